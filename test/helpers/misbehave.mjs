// Preloaded into the bin by test/reliability/stdio.test.ts (node --import): once the bin has
// installed its process-level guard, a stray promise rejects and a timer throws, both carrying
// the Quentli key, to prove the guard keeps the server serving and redacts what it logs.
const waitForGuard = setInterval(() => {
  if (process.listenerCount('uncaughtException') === 0) return;
  clearInterval(waitForGuard);
  void Promise.reject(new Error(`stray rejection with ${process.env.QUENTLI_API_KEY}`));
  setTimeout(() => {
    throw new Error(`stray exception with ${process.env.QUENTLI_API_KEY}`);
  }, 10);
}, 20);
