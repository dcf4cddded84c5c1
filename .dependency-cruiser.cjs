/**
 * The layering of src/, checked by `npm run lint:layers` (part of `npm test`): a new upward arrow or
 * import circle fails the build. See the README's "Layout".
 *
 * Layers, top to bottom. A folder may import its own files, any folder in a LOWER layer and the
 * files at src/'s root; never a higher layer, and never another folder of its own layer (peers
 * stay apart, so no two folders import each other). This is issue 12's list
 *   cli → run → load, delivery, report, profiles → targets, metrics, thresholds → config, aws → errors, time
 * with the peers ordered where the code has a real arrow between them:
 *   - delivery sits under load and report: load hands accepted events to the tracker (SentInvocation)
 *     and the report carries the tracker's DeliveryReport; delivery imports neither.
 *   - metrics sits under delivery (its histograms) and over targets: the recorder takes a target's Outcome.
 * `src/local` (the local stack) is a tool the CLI starts: only src/cli imports it, and it imports
 * nothing of the core.
 */
const layers = [
  ['cli'],
  ['run'],
  ['load', 'report', 'profiles', 'replay'],
  ['delivery', 'discovery'],
  ['metrics'],
  ['targets', 'thresholds'],
  ['config', 'aws'],
];
/**
 * Inside src/targets, the same one level down. At the bottom the contract (types.ts: Target,
 * InvokeRequest, Outcome; targetSpec.ts: what the user named); on it request/ (payloads, templates,
 * bodies) and wire/ (the exchange, connections, deadlines), which stay apart; on the wire the
 * transports lambda/ and http/, apart too. The files at src/targets/'s top (the factory in index.ts,
 * prepareCall, outcomeError, …) put the folders together, so no folder imports them.
 */
const targetLayers = [
  ['http', 'lambda', 'queue'],
  ['request', 'wire'],
];
const TARGET_CONTRACT = '^src/targets/(types|targetSpec)\\.ts$';
/** errors.ts, time.ts, version.ts, duration.ts, terminalText.ts, latencyText.ts: the bottom, importable by all. */
const ROOT_FILE = '^src/[^/]+\\.ts$';
const any = (folders) => `^src/(${folders.join('|')})/`;

/**
 * One rule per folder of `stack` (a list of layers under `base`, top first): it may not import a
 * higher layer nor a peer of its own layer.
 */
function layerRulesOf(stack, base, name, allowed) {
  return stack.flatMap((layer, index) => {
    const higher = stack.slice(0, index).flat();
    return layer
      .map((folder) => ({ folder, banned: [...higher, ...layer.filter((peer) => peer !== folder)] }))
      .filter(({ banned }) => banned.length > 0)
      .map(({ folder, banned }) => ({
        name: `${name}-${folder}`,
        severity: 'error',
        comment: `${base}${folder} imports only its own files, ${allowed}: not ${banned.join(', ')}`,
        from: { path: `^${base}${folder}/` },
        to: { path: `^${base}(${banned.join('|')})/` },
      }));
  });
}

const layerRules = layerRulesOf(layers, 'src/', 'layer', 'lower layers and src/*.ts');
const targetLayerRules = layerRulesOf(targetLayers, 'src/targets/', 'targets', 'lower folders of src/targets, the contract (types.ts, targetSpec.ts) and lower layers');

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'An import circle: move what both sides need (a type, a helper) down into a module both import.',
      from: {},
      to: { circular: true },
    },
    ...layerRules,
    ...targetLayerRules,
    {
      name: 'targets-folders-see-only-the-contract',
      severity: 'error',
      comment: "A folder of src/targets imports of src/targets/'s top only the contract (types.ts, targetSpec.ts): the other top files (index.ts, prepareCall.ts, …) put the folders together.",
      from: { path: '^src/targets/[^/]+/' },
      to: { path: '^src/targets/[^/]+\\.ts$', pathNot: TARGET_CONTRACT },
    },
    {
      name: 'targets-contract-is-the-bottom',
      severity: 'error',
      comment: 'types.ts and targetSpec.ts are what every folder of src/targets builds on, so they import none of them.',
      from: { path: TARGET_CONTRACT },
      to: { path: '^src/targets/[^/]+/' },
    },
    {
      name: 'targets-folder-in-a-layer',
      severity: 'error',
      comment: 'Every folder of src/targets has a place in targetLayers in .dependency-cruiser.cjs: add a new one there (and to the README\'s Layout).',
      from: { path: '^src/targets/[^/]+/', pathNot: `^src/targets/(${targetLayers.flat().join('|')})/` },
      to: {},
    },
    {
      name: 'root-files-are-the-bottom',
      severity: 'error',
      comment: 'src/*.ts (errors, time, version, …) are imported by every layer, so they import no folder of src/.',
      from: { path: ROOT_FILE },
      to: { path: '^src/[^/]+/' },
    },
    {
      name: 'local-only-from-cli',
      severity: 'error',
      comment: 'src/local is a tool the CLI starts (lambench local, demo, run --local), never something the core imports.',
      from: { path: '^src/', pathNot: '^src/(cli|local)/' },
      to: { path: '^src/local/' },
    },
    {
      name: 'local-stands-alone',
      severity: 'error',
      comment: 'src/local imports nothing of the core (only its own files and src/*.ts), so it can be started or dropped on its own.',
      from: { path: '^src/local/' },
      to: { path: '^src/[^/]+/', pathNot: '^src/local/' },
    },
    {
      name: 'folder-in-a-layer',
      severity: 'error',
      comment: `Every folder of src/ has a place in the layers of .dependency-cruiser.cjs: add a new folder to the list there (and to the README's Layout).`,
      from: { path: '^src/[^/]+/', pathNot: `${any([...layers.flat(), 'local'])}` },
      to: {},
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Type-only imports are arrows too: a type from a higher layer ties the folders together as much as a value.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
