/**
 * Pointing this process's AWS settings at the built-in local stack (`lambench demo`, `lambench run`
 * on a profile with `localStack: true`): the run talks only to its own stack, so none of the user's
 * AWS settings that could lead elsewhere may leak in.
 */

/** What could send a call past the stack's endpoints or credentials: a named profile, one endpoint for every service, a session token for other keys. */
const LEAKING_VARIABLES = ['AWS_PROFILE', 'AWS_DEFAULT_PROFILE', 'AWS_ENDPOINT_URL', 'AWS_SESSION_TOKEN'] as const;

/** Drops the user's AWS settings that would lead elsewhere, then sets the stack's (`stack.env`: endpoints, region, test keys). */
export function useLocalStackEnvironment(stackEnv: Record<string, string>, env: NodeJS.ProcessEnv = process.env): void {
  for (const key of LEAKING_VARIABLES) delete env[key];
  Object.assign(env, stackEnv);
}
