// The operator's side of the deploy tests: a temp folder with an SSH key, as the scripts
// expect on an operator's machine, and a fake DigitalOcean: a bin folder whose doctl is
// fake-doctl.ts (its state in doDir) and whose ssh logs what it was asked and succeeds.
import { expect } from "bun:test";
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export function writeExecutable(path: string, text: string): void {
  writeFileSync(path, text);
  chmodSync(path, 0o755);
}

/** A fresh temp folder holding `.ssh/id_ed25519`; remove `tmp` after the tests. */
export function operatorFolder(prefix: string): { tmp: string; keyPath: string } {
  const tmp = mkdtempSync(join(tmpdir(), prefix));
  mkdirSync(join(tmp, ".ssh"));
  const keyPath = join(tmp, ".ssh", "id_ed25519");
  const keygen = Bun.spawnSync(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "test", "-f", keyPath]);
  expect(keygen.exitCode).toBe(0);
  return { tmp, keyPath };
}

/** The fake DigitalOcean in `dir`: put `doBin` first on the scripts' PATH, FAKE_DO_DIR=doDir. */
export function fakeDigitalOcean(dir: string): { doDir: string; doBin: string } {
  const doDir = join(dir, "fake-do");
  const doBin = join(dir, "fake-do-bin");
  mkdirSync(doDir);
  mkdirSync(doBin);
  writeExecutable(
    join(doBin, "doctl"),
    `#!/bin/sh\nexec '${process.execPath}' '${join(import.meta.dir, "fake-doctl.ts")}' "$@"\n`,
  );
  // ssh only answers the "is it up?" probe, logging what was asked.
  writeExecutable(join(doBin, "ssh"), `#!/bin/sh\necho "ssh $*" >> '${join(doDir, "ssh.log")}'\nexit 0\n`);
  return { doDir, doBin };
}
