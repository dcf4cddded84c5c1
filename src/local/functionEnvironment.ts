/**
 * A function's environment variables, in process. Lambda gives each function its own environment
 * (AWS_REGION, AWS_LAMBDA_FUNCTION_NAME, credentials, …); handlers here run in lambench's own
 * process, so `process.env` is wrapped once: inside an invocation (or a module's init) it answers
 * from that function's variables, and everywhere else exactly as before. Inside, every `AWS_*`
 * variable comes from the function's set only (except the SDK's own switches, `AWS_SDK_*`): a
 * handler's SDK client reaches the local stack, never the developer's account, profile or endpoints.
 *
 * Same approach as the runtime's console capture: AsyncLocalStorage follows the invocation through
 * every await, so concurrent invocations of different functions each see their own variables.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

const current = new AsyncLocalStorage<Readonly<Record<string, string>>>();
let installed = false;

/** Variables of the process that a function does not see (its own set replaces them). */
const isHidden = (key: string) => key.startsWith('AWS_') && !key.startsWith('AWS_SDK_');

function install(): void {
  if (installed) return;
  installed = true;
  const real = process.env;
  const own = (key: string | symbol): string | undefined => {
    const vars = current.getStore();
    if (vars === undefined || typeof key !== 'string') return undefined;
    return Object.hasOwn(vars, key) ? vars[key] : undefined;
  };
  const visible = (key: string | symbol): boolean => {
    const vars = current.getStore();
    if (vars === undefined || typeof key !== 'string') return Reflect.has(real, key);
    return Object.hasOwn(vars, key) || (!isHidden(key) && Reflect.has(real, key));
  };
  process.env = new Proxy(real, {
    get(target, key) {
      const value = own(key);
      if (value !== undefined) return value;
      return visible(key) ? Reflect.get(target, key) : undefined;
    },
    has: (_target, key) => visible(key),
    // Writes and deletes go to the real environment (one process: a handler's change is everyone's).
    set: (target, key, value) => Reflect.set(target, key, value),
    deleteProperty: (target, key) => Reflect.deleteProperty(target, key),
    ownKeys(target) {
      const vars = current.getStore();
      if (vars === undefined) return Reflect.ownKeys(target);
      return [...new Set([...Reflect.ownKeys(target).filter((key) => typeof key !== 'string' || !isHidden(key)), ...Object.keys(vars)])];
    },
    getOwnPropertyDescriptor(target, key) {
      const value = own(key);
      if (value !== undefined) return { value, writable: true, enumerable: true, configurable: true };
      return visible(key) ? Reflect.getOwnPropertyDescriptor(target, key) : undefined;
    },
  });
}

/** Runs `work` (and everything it starts) with `vars` as the function's environment. */
export function withFunctionEnvironment<T>(vars: Readonly<Record<string, string>>, work: () => T): T {
  install();
  return current.run(vars, work);
}
