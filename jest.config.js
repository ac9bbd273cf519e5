/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/tests"],
  testMatch: ["**/*.test.ts"],
  transform: { "^.+\\.ts$": ["@swc/jest", { jsc: { target: "es2023" }, module: { type: "commonjs" } }] },
  // e2e tests start child processes (emulator, Pulumi's dynamic-provider host); give them room on 2 cores.
  testTimeout: 60000,
  maxWorkers: 2,
};
