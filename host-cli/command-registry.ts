// The subcommands of `amsgate`, as data: the name and the one-sentence summary that `amsgate --help` lists, and how
// to load the module that registers the command. Only the module a command line names is loaded, so
// `amsgate --version` and `amsgate run` do not carry every command's libraries (docs/gateway-operation.md).
// To add a command: write host-cli/commands/<name>.ts exporting `register(program)`, then add one entry here;
// test/cli/help.test.ts checks that each summary is the first sentence of the command's description.
import type { Command } from 'commander';

export interface CommandEntry {
  name: string;
  summary: string;
  load: () => Promise<{ register: (program: Command) => void }>;
}

export const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'bench',
    summary: 'Accuracy bench for CoP11 Asset Metering Type 5: test plans, runs, calibration, CT/VT overall accuracy, certificates',
    load: () => import('./commands/bench.js'),
  },
  {
    name: 'collect',
    summary: "Head-end collector: verify and store the fleet's signed interval and alarm records (MQTT shared subscription, QoS 1, acknowledged only after the database commit).",
    load: () => import('./commands/collect.js'),
  },
  {
    name: 'commission',
    summary: 'Guided commissioning of a whole-current / Type 5 Asset Metering System (Elexon Asset Metering guidance): remote comms, direction of flow, phase rotation, polarity, alarms, plausibility and key fields; writes a signed record and an HTML page.',
    load: () => import('./commands/commission.js'),
  },
  {
    name: 'console',
    summary: 'Installer console of `amsgate run` (docs/installer-console.md): set its password.',
    load: () => import('./commands/console.js'),
  },
  {
    name: 'dc',
    summary: 'Data collector: validation, estimation, settlement run submissions, technical details and proving-test state per AMSID, kept in the store',
    load: () => import('./commands/dc.js'),
  },
  {
    name: 'deliver',
    summary: 'Market submissions and their state (pending, sent, accepted, failed with reason), as kept in the store by export --submit',
    load: () => import('./commands/deliver.js'),
  },
  {
    name: 'devices',
    summary: "Device registry of the collector: which public key signs which gateway's records, and when",
    load: () => import('./commands/devices.js'),
  },
  {
    name: 'discover',
    summary: "Scan a serial bus or a Modbus TCP endpoint for known meters: at each line setting and unit id, read each model's identifying registers (L1 voltage, and L2 for three-phase models) and accept plausible values.",
    load: () => import('./commands/discover.js'),
  },
  {
    name: 'export',
    summary: 'Market exports from the collector store: Axle readings, Elering Datahub metering data, Volue EnergyUsage, DTC-style HH file',
    load: () => import('./commands/export.js'),
  },
  {
    name: 'fleet-console',
    summary: 'Web console for head-end operators over the collector store: fleet overview, device charts, gaps, keys, rejections, exports; JSON API under /api/v1.',
    load: () => import('./commands/fleet-console.js'),
  },
  {
    name: 'keys',
    summary: 'Create or show the gateway signing key (the public key verifies every record the gateway signs).',
    load: () => import('./commands/keys.js'),
  },
  {
    name: 'prove',
    summary: 'Proving test: the register advance over one settlement period, after the multipliers, against the interval the instation received.',
    load: () => import('./commands/prove.js'),
  },
  {
    name: 'read',
    summary: "Read a meter: instantaneous values and the integer energy registers in the meter's own resolution.",
    load: () => import('./commands/read.js'),
  },
  {
    name: 'run',
    summary: 'Run the gateway: poll meters, close and sign settlement intervals, publish them over MQTT with store-and-forward',
    load: async () => {
      (await import('./gateway-v8.js')).useGatewayV8Flags();
      return import('./commands/run.js');
    },
  },
  {
    name: 'sim',
    summary: "Run a simulated meter: a physical model (load profile, energy integrated over time) behind the meter's own register map, on Modbus TCP or a serial port (e.g. one end of a socat pty pair).",
    load: () => import('./commands/sim.js'),
  },
  {
    name: 'status',
    summary: "Show a gateway's meters, last readings, active alarms, MQTT backlog and last intervals (from its store)",
    load: () => import('./commands/status.js'),
  },
  {
    name: 'verify',
    summary: 'Verify signed records offline: signature, key id, record id, sequence (+1) and hash chain.',
    load: () => import('./commands/verify.js'),
  },
];

/** The command a command line names: `amsgate [-V|-h] <name> ...` or `amsgate help <name>` (the global options take
 * no value, so the first word that is not an option is the command). */
export function commandNamed(args: readonly string[], entries: readonly CommandEntry[] = COMMANDS): CommandEntry | undefined {
  const words = args.filter((a) => !a.startsWith('-'));
  const name = words[0] === 'help' ? words[1] : words[0];
  return entries.find((e) => e.name === name);
}
