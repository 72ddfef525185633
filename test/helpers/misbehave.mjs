// Preloaded into the bin by test/reliability/stdio.test.ts (node --import), never shipped: once the
// bin has installed its process-level guard, a timer throws (MISBEHAVE=exception) or a stray
// promise rejects (MISBEHAVE=rejection), carrying the Quentli key, to prove the guard logs it
// redacted and ends the process non-zero rather than serving on in an unknown state.
const waitForGuard = setInterval(() => {
  if (process.listenerCount('uncaughtException') === 0) return;
  clearInterval(waitForGuard);
  setTimeout(() => {
    if (process.env.MISBEHAVE === 'rejection') {
      void Promise.reject(new Error(`stray rejection with ${process.env.QUENTLI_API_KEY}`));
    } else {
      throw new Error(`stray exception with ${process.env.QUENTLI_API_KEY}`);
    }
  }, 300);
}, 20);
