// A real S3-compatible server for tests: s3rver (an npm package that stores objects in
// a folder), started on 127.0.0.1 over HTTPS with a throwaway certificate. HTTPS as on
// DigitalOcean Spaces, and because restic signs plain-HTTP uploads in the chunked
// form s3rver does not decode.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import S3rver from "s3rver";

export type TestS3 = {
  /** https://127.0.0.1:<port> */
  endpoint: string;
  /** The CA file a client must trust (the server's self-signed certificate). */
  caFile: string;
  /** Where s3rver keeps the objects, to check what was stored. */
  dataDir: string;
  accessKey: string;
  secretKey: string;
  close(): Promise<void>;
};

export async function startTestS3(dir: string, buckets: string[]): Promise<TestS3> {
  const keyFile = join(dir, "s3-key.pem");
  const caFile = join(dir, "s3-cert.pem");
  const openssl = Bun.spawnSync(
    ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
      .concat(["-keyout", keyFile, "-out", caFile, "-days", "1", "-subj", "/CN=127.0.0.1"])
      .concat(["-addext", "subjectAltName=IP:127.0.0.1"]),
  );
  if (openssl.exitCode !== 0) throw new Error(`openssl could not make a certificate: ${openssl.stderr}`);
  const dataDir = join(dir, "s3-data");
  const server = new S3rver({
    address: "127.0.0.1",
    port: 0,
    silent: true,
    directory: dataDir,
    key: readFileSync(keyFile),
    cert: readFileSync(caFile),
    configureBuckets: buckets.map((name) => ({ name })),
  });
  const { port } = (await server.run()) as { port: number };
  return {
    endpoint: `https://127.0.0.1:${port}`,
    caFile,
    dataDir,
    // s3rver's fixed credentials.
    accessKey: "S3RVER",
    secretKey: "S3RVER",
    close: () => server.close(),
  };
}
