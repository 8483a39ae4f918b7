// Least-squares line through (x, y) points: P1's RSS per socket is the slope of RSS against the
// number of open sockets over several steps, which one before/after difference cannot separate
// from a garbage collection that happened to run (or not) just before a sample.

export interface LinearFit {
  slope: number;
  intercept: number;
  /** Coefficient of determination, 0 … 1 (1 when every point is on the line). */
  r2: number;
  points: number;
}

export function linearFit(points: readonly { x: number; y: number }[]): LinearFit {
  const n = points.length;
  if (n < 2) throw new RangeError('a line needs at least two points');
  let sx = 0;
  let sy = 0;
  for (const p of points) {
    sx += p.x;
    sy += p.y;
  }
  const mx = sx / n;
  const my = sy / n;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (const p of points) {
    sxx += (p.x - mx) ** 2;
    sxy += (p.x - mx) * (p.y - my);
    syy += (p.y - my) ** 2;
  }
  if (sxx === 0) throw new RangeError('all points have the same x');
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  const r2 = syy === 0 ? 1 : (sxy * sxy) / (sxx * syy);
  return { slope, intercept, r2, points: n };
}
