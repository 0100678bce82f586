// Flat ESLint config: strict type-checked rules everywhere, plus the pure-core boundary
// (no I/O, clocks, timers or randomness in src/core, src/protocol, src/commands, pure config).
import js from "@eslint/js";
import tseslint from "typescript-eslint";

const pureFolders = [
  "src/core/**/*.ts",
  "src/protocol/**/*.ts",
  "src/commands/**/*.ts",
  "src/config/conf-parser.ts",
  "src/config/conf-to-config.ts",
  "src/config/conf-rewriter.ts",
  "src/config/schema.ts",
];

const pureImports = [
  {
    group: ["node:*", "fs", "net", "os", "path", "child_process", "crypto"],
    message: "The core is pure: no I/O.",
  },
  { group: ["ioredis", "pino", "yaml"], message: "The core is pure: no I/O libraries." },
  { group: ["**/shell/**"], message: "The core must not import the shell." },
];

/** Outside src/core, the core is reached through src/core/index.ts only. */
const coreDoor = {
  group: ["**/core/**", "!**/core/index.js"],
  message: "Import the core through src/core/index.ts (its only door).",
};

export default tseslint.config(
  {
    ignores: [
      "dist/**",
      ".ab/**",
      "node_modules/**",
      "eslint.config.js",
      "bin/**",
      "scripts/**/*.js",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  ...tseslint.configs.stylisticTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
      "@typescript-eslint/switch-exhaustiveness-check": "error",
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/only-throw-error": "error",
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/restrict-template-expressions": ["error", { allowNumber: true }],
      "@typescript-eslint/no-unnecessary-condition": "off",
      "@typescript-eslint/prefer-nullish-coalescing": "off",
      "@typescript-eslint/no-non-null-assertion": "off",
      "max-lines-per-function": ["warn", { max: 70, skipBlankLines: true, skipComments: true }],
      "max-lines": ["warn", { max: 400, skipBlankLines: true, skipComments: true }],
    },
  },
  {
    files: ["test/**/*.ts", "bench/**/*.ts"],
    rules: {
      "max-lines-per-function": "off",
      "@typescript-eslint/no-unused-expressions": "off",
    },
  },
  {
    // The core's one door: other folders import src/core/index.ts only (docs/ARCHITECTURE.md).
    files: ["src/**/*.ts", "bench/**/*.ts", "scripts/**/*.ts"],
    ignores: ["src/core/**"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [coreDoor] }],
    },
  },
  {
    files: pureFolders,
    rules: {
      "no-restricted-imports": ["error", { patterns: [...pureImports, coreDoor] }],
      "no-restricted-globals": [
        "error",
        "Date",
        "performance",
        "setTimeout",
        "setInterval",
        "setImmediate",
        "queueMicrotask",
        "process",
        "console",
      ],
      "no-restricted-properties": [
        "error",
        { object: "Math", property: "random", message: "Use the injected Random." },
      ],
    },
  },
  {
    // The core imports only itself: not the shell, the commands, the config loader or the protocol.
    files: ["src/core/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            ...pureImports,
            {
              group: ["**/commands/**", "**/config/**", "**/protocol/**", "**/errors.js"],
              message: "The core imports only src/core.",
            },
          ],
        },
      ],
    },
  },
);
