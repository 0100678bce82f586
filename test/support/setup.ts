// Shared mocha setup: any unhandled rejection fails the run instead of being lost.
process.on("unhandledRejection", (reason) => {
  throw reason instanceof Error ? reason : new Error(String(reason));
});
