/** git as devvy runs it against an emulator: no host configuration, no prompts, credentials only in its environment. */
import { Effect } from "effect"

/**
 * Runs git in `cwd` with `authorization` (a whole `Authorization: …` header line) passed as an extra HTTP
 * header through git's environment, so neither argv, a URL nor .git/config ever holds the secret.
 */
export const gitWithHeader = (authorization: string | undefined) => (cwd: string, ...args: Array<string>) =>
  Effect.promise(async () => {
    const env: Record<string, string> = {
      GIT_TERMINAL_PROMPT: "0",
      GIT_CONFIG_NOSYSTEM: "1",
      GIT_CONFIG_GLOBAL: "/dev/null",
      GIT_AUTHOR_NAME: "devvy",
      GIT_AUTHOR_EMAIL: "devvy@example.invalid",
      GIT_COMMITTER_NAME: "devvy",
      GIT_COMMITTER_EMAIL: "devvy@example.invalid",
    }
    if (authorization !== undefined) {
      Object.assign(env, {
        GIT_CONFIG_COUNT: "1",
        GIT_CONFIG_KEY_0: "http.extraHeader",
        GIT_CONFIG_VALUE_0: authorization,
      })
    }
    const out = await new Deno.Command("git", { args, cwd, env, stdin: "null" }).output()
    const decoder = new TextDecoder()
    return { code: out.code, stdout: decoder.decode(out.stdout).trim(), stderr: decoder.decode(out.stderr) }
  })
