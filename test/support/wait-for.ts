// Tests wait on conditions, never on fixed sleeps (the machine is shared and slow at times).

/** Polls `condition` until it holds; fails after a generous deadline (2 cores, two JVMs). */
export async function waitFor(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 120_000, intervalMs = 200): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
