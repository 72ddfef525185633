// Preloaded into the bin by test/reliability/stdio.test.ts (node --import): once the server runs,
// a stray promise rejects and a timer throws, both carrying the Quentli key, to prove the
// process-level guard keeps serving and redacts what it logs.
setTimeout(() => {
  void Promise.reject(new Error(`stray rejection with ${process.env.QUENTLI_API_KEY}`));
  setTimeout(() => {
    throw new Error(`stray exception with ${process.env.QUENTLI_API_KEY}`);
  }, 10);
}, 300);
