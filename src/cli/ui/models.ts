import * as Prompt from "@effect/cli/Prompt"
import * as Effect from "effect/Effect"

/** The GitHub Copilot models offered in the picker; any other `provider/model` can be typed in. */
export const copilotModels: ReadonlyArray<string> = [
  "github-copilot/claude-sonnet-4.6",
  "github-copilot/claude-sonnet-4.5",
  "github-copilot/claude-opus-4.5",
  "github-copilot/gpt-5",
  "github-copilot/gpt-5-mini",
  "github-copilot/gpt-4.1",
  "github-copilot/gemini-2.5-pro",
]

const other = "other"

/** Arrow keys pick a model; the last choice asks for any provider/model. */
export const modelPrompt = (current: string | undefined) =>
  Prompt.select({
    message: "Model",
    choices: [
      ...copilotModels.map((model) => ({ title: model, value: model })),
      { title: "Another provider/model…", value: other },
    ],
  }).pipe(
    Prompt.flatMap((choice) =>
      choice === other
        ? Prompt.text({
          message: "Model (provider/model)",
          ...(current === undefined ? {} : { default: current }),
          validate: (value) =>
            /^[^/\s]+\/\S+$/.test(value.trim())
              ? Effect.succeed(value.trim())
              : Effect.fail("expected provider/model, such as azure/gpt-4o"),
        })
        : Prompt.succeed(choice)
    ),
  )
