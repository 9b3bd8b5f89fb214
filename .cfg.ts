const t0 = performance.now();
const { loadConfig } = await import("./src/config.ts");
const t1 = performance.now();
try { loadConfig({ NODE_ENV: "production", JWT_SECRET: "x".repeat(40), PORT: "3000" } as any); } catch (e) { console.log(String(e).slice(0,100)); }
const t2 = performance.now();
try { loadConfig({ NODE_ENV: "production", JWT_SECRET: "x".repeat(40), PORT: "3000" } as any); } catch {}
const t3 = performance.now();
console.log(`import ${(t1-t0).toFixed(1)} first ${(t2-t1).toFixed(1)} second ${(t3-t2).toFixed(1)}`);
