// `amsgate bench verify`: checks a signed certificate against the bench's public key.
import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { ConfigError } from '../../../drivers/errors.js';
import { parsePublicKey } from '../../../device/signing/device-key.js';
import { EXIT } from '../../exit-codes.js';
import { printJson } from '../../output.js';
import { verifyCertificateFiles } from '../../../calibration/report/verify-files.js';

export function addVerifyCommand(bench: Command): void {
  bench
    .command('verify')
    .description('check a signed bench certificate: the JWS against the bench public key, certificate.json against it, the PDF names its hash')
    .argument('<certificate>', 'directory written by "bench report", or its certificate.jws')
    .requiredOption('--key <file>', 'the bench public key (PEM or JWK), e.g. bench-key/device-key.pub.pem')
    .option('--json', 'print JSON')
    .addHelpText('after', `
Example:
  amsgate bench verify cert/ --key bench-key/device-key.pub.pem
Exit codes: 0 every check passed, 1 a check failed, 2 bad usage (missing files or key).`)
    .action((target: string, o: { key: string; json?: boolean }) => {
      let text: string;
      try {
        text = readFileSync(o.key, 'utf8');
      } catch (e) {
        throw new ConfigError('no-key', `cannot read the bench public key ${o.key} (--key): ${(e as Error).message}`);
      }
      let key;
      try {
        key = parsePublicKey(text);
      } catch (e) {
        throw new ConfigError('bad-key', `${o.key} (--key) is not a PEM or JWK public key: ${(e as Error).message}`);
      }
      const r = verifyCertificateFiles(target, key);
      if (o.json) printJson(r);
      else {
        for (const c of r.checks) process.stdout.write(`${c.ok ? 'ok  ' : 'FAIL'} ${c.what}: ${c.detail}\n`);
        process.stdout.write(r.ok ? `certificate ${r.certificateId}: VERIFIED\n` : `certificate ${r.certificateId ?? target}: NOT VERIFIED\n`);
      }
      process.exitCode = r.ok ? EXIT.ok : EXIT.failed;
    });
}
