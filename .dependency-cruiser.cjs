/** Folder dependency rules from DESIGN.md ("may import"), checked in `npm run lint`. */
module.exports = {
  forbidden: [
    {
      name: 'firmware-bridge-imports-nothing-of-ours',
      severity: 'error',
      from: { path: '^firmware-bridge/' },
      to: { path: '^(hardware|controller|kiosk-ui|backoffice|test)/' },
    },
    {
      name: 'hardware-imports-only-firmware-bridge',
      severity: 'error',
      from: { path: '^hardware/' },
      to: { path: '^(controller|kiosk-ui|backoffice|test)/' },
    },
    {
      name: 'controller-imports-only-hardware-and-firmware-bridge',
      severity: 'error',
      from: { path: '^controller/' },
      to: { path: '^(kiosk-ui|backoffice|test)/' },
    },
    {
      name: 'kiosk-ui-imports-only-the-contract',
      severity: 'error',
      from: { path: '^kiosk-ui/' },
      to: { path: '^(firmware-bridge|hardware|backoffice|test)/|^controller/(?!contract/)' },
    },
    {
      name: 'backoffice-imports-only-the-contract',
      severity: 'error',
      from: { path: '^backoffice/' },
      to: { path: '^(firmware-bridge|hardware|kiosk-ui|test)/|^controller/(?!contract/)' },
    },
    {
      name: 'backoffice-web-imports-only-the-contract-and-api-schemas',
      comment: "The operators' web app (a browser bundle) may use the contract and the API's route schemas (types), nothing else of the backoffice.",
      severity: 'error',
      from: { path: '^backoffice/web/src/' },
      to: { path: '^(firmware-bridge|hardware|kiosk-ui|test|fakes)/|^controller/(?!contract/)|^backoffice/(?!web/src/|http/schemas/)' },
    },
    {
      name: 'contract-imports-only-the-contract',
      severity: 'error',
      from: { path: '^controller/contract/' },
      to: { path: '^(firmware-bridge|hardware|kiosk-ui|backoffice|test)/|^controller/(?!contract/)' },
    },
    {
      name: 'fakes-import-only-the-platform',
      comment: 'Fakes of outside services (fakes/) are product code that stands alone: only Clock and Logger.',
      severity: 'error',
      from: { path: '^fakes/' },
      to: { path: '^(hardware|controller|kiosk-ui|backoffice|test)/|^firmware-bridge/(?!platform/)' },
    },
    {
      name: 'only-tests-and-composition-roots-import-fakes',
      comment: 'Features talk to the real service through their ports; a root (main/app/start, sim, cli) picks the fake.',
      severity: 'error',
      from: {
        path: '^(firmware-bridge|hardware|controller|kiosk-ui|backoffice)/',
        pathNot: '(\\.test\\.ts$|(^|/)testSupport\\.ts$|(^|/)(main|app|start)\\.ts$|^controller/(sim|cli)/|^backoffice/cli/)',
      },
      to: { path: '^fakes/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|data|static)/' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.mjs'] },
  },
};
