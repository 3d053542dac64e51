/**
 * The PyTorch side of the CPU bench: find a python3 that imports torch (installing Debian's
 * python3-torch and OpenBLAS when none does), make sure libblas.so.3 is OpenBLAS (Debian's
 * reference BLAS is ~30× slower), and run bench/torch_llama.py.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, realpathSync } from "node:fs";

const BLAS_LINK = "libblas.so.3-x86_64-linux-gnu";
const LAPACK_LINK = "liblapack.so.3-x86_64-linux-gnu";
const OPENBLAS_DIR = "/usr/lib/x86_64-linux-gnu/openblas-pthread";

function importsTorch(python: string): boolean {
  const r = spawnSync(python, ["-c", "import torch, numpy"], { stdio: "ignore" });
  return r.status === 0;
}

/** Debian's python3 first: its dist-packages is where python3-torch installs. */
function findTorchPython(): string | null {
  for (const p of ["/usr/bin/python3", "python3"]) if (importsTorch(p)) return p;
  return null;
}

function run(cmd: string, args: string[], log: (s: string) => void): void {
  log(`$ ${cmd} ${args.join(" ")}`);
  execFileSync(cmd, args, {
    stdio: ["ignore", "ignore", "inherit"],
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
  });
}

/**
 * A python on PATH that imports torch, with CUDA available when `cuda` (the GPU benches: the GPU
 * machine has torch and transformers, nothing to install), or null.
 */
export function pythonWithTorch(cuda: boolean): string | null {
  const check = cuda ? "import torch; assert torch.cuda.is_available()" : "import torch";
  for (const p of ["python3", "/usr/bin/python3", "python"]) {
    if (spawnSync(p, ["-c", check], { stdio: "ignore" }).status === 0) return p;
  }
  return null;
}

/** Points the libblas/liblapack alternatives at OpenBLAS when they point elsewhere. */
function useOpenBlas(log: (s: string) => void): string {
  const current = (link: string) => {
    try {
      return realpathSync(`/etc/alternatives/${link}`);
    } catch {
      return "(none)";
    }
  };
  for (const [link, lib] of [
    [BLAS_LINK, `${OPENBLAS_DIR}/libblas.so.3`],
    [LAPACK_LINK, `${OPENBLAS_DIR}/liblapack.so.3`],
  ] as const) {
    if (existsSync(lib) && !current(link).startsWith(OPENBLAS_DIR)) {
      run("update-alternatives", ["--set", link, lib], log);
    }
  }
  return current(BLAS_LINK);
}

/** A python3 with torch and OpenBLAS behind libblas.so.3; installs them if missing. */
export function torchPython(log: (s: string) => void): { python: string; libblas: string } {
  let python = findTorchPython();
  if (!python || !existsSync(`${OPENBLAS_DIR}/libblas.so.3`)) {
    log("installing Debian's python3-torch and libopenblas0 (apt-get) ...");
    run("apt-get", ["update"], log);
    run(
      "apt-get",
      ["install", "-y", "--no-install-recommends", "python3-torch", "libopenblas0"],
      log,
    );
    python = findTorchPython();
    if (!python) throw new Error("python3-torch was installed but no python3 imports torch");
  }
  return { python, libblas: useOpenBlas(log) };
}

/**
 * The environment for the PyTorch run. OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE, where the machine
 * sets them (old OpenBLAS builds misbehave on some processors), pin a slow generic kernel: they
 * are unset together for this one command only (the loss agreement checks the result), and the
 * kernel OpenBLAS then picks is reported by torch_llama.py.
 */
export function torchEnv(): { env: NodeJS.ProcessEnv; unset: string[] } {
  const env = { ...process.env };
  const unset = ["OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"].filter((k) => k in env);
  for (const k of unset) delete env[k];
  return { env, unset };
}

export function runTorch(python: string, args: string[], env: NodeJS.ProcessEnv): unknown {
  const r = spawnSync(python, ["bench/torch_llama.py", ...args], {
    env,
    encoding: "utf8",
    maxBuffer: 64 << 20,
  });
  if (r.status !== 0) {
    throw new Error(`torch_llama.py failed (${r.status ?? r.signal}):\n${r.stderr}`);
  }
  const lines = r.stdout.trim().split("\n");
  return JSON.parse(lines[lines.length - 1]!);
}
