/** The repository's own validation scripts, in the order VALIDATE runs them (and the agent is told to run them). */
export const validationScripts = ["src/scripts/format.sh", "src/scripts/code-checks.sh", "src/scripts/run-tests.sh"]
