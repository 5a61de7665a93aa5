import { isIP } from 'node:net';
import { generate } from 'selfsigned';

/** A TLS key and its self-signed certificate, both PEM. */
export interface LocalCertificate {
  readonly key: string;
  /** Trust it in a client: `new https.Agent({ ca: cert })`, or `NODE_EXTRA_CA_CERTS=<file>`. */
  readonly cert: string;
}

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '::1'];
const generated = new Map<string, Promise<LocalCertificate>>();

/**
 * A self-signed P-256 certificate for `localhost`, `127.0.0.1`, `::1` and `host`, valid a
 * year, made once per process and host (generation takes a few milliseconds, loading the
 * X.509 library longer).
 *
 * @example
 * const { key, cert } = await localCertificate('127.0.0.1');
 * https.createServer({ key, cert });
 */
export function localCertificate(host: string): Promise<LocalCertificate> {
  let certificate = generated.get(host);
  if (certificate === undefined) {
    certificate = create(host);
    generated.set(host, certificate);
  }
  return certificate;
}

async function create(host: string): Promise<LocalCertificate> {
  const names = [...new Set([...LOOPBACK_NAMES, host])].filter(
    (name) => name !== '0.0.0.0' && name !== '::',
  );
  const pems = await generate([{ name: 'commonName', value: 'apigw-chat local gateway' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'keyUsage', digitalSignature: true, keyCertSign: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: names.map((name) =>
          isIP(name) ? { type: 7, ip: name } : { type: 2, value: name },
        ),
      },
    ],
  });
  return { key: pems.private, cert: pems.cert };
}
