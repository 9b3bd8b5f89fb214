// axe-core injected into a page under test: the page's serious and critical accessibility
// violations, as short lines a failing test can print.
import axe from "axe-core";
import type { Page } from "playwright-core";

const AXE_SOURCE = axe.source;

type Violation = { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] };

/** "rule-id (impact): help — selectors" for each serious or critical violation on the page now. */
export async function seriousViolations(page: Page): Promise<string[]> {
  // Evaluated through the DevTools protocol: the page's CSP forbids inline scripts.
  if (!(await page.evaluate(() => "axe" in window))) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (context: Document) => Promise<{ violations: Violation[] }> } })
      .axe;
    return (await axe.run(document)).violations;
  });
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}
