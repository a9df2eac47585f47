/*
 * STREAM triad for the devito-ts benchmark: a[i] = b[i] + s * c[i] over three double arrays.
 *
 * Follows the STREAM rules (McCalpin): arrays far larger than the last-level cache, first touch
 * in parallel with the same static schedule as the timed loop (pages land where the threads that
 * use them run), one untimed pass, then the best of `ntimes` timed passes. Bytes are counted the
 * STREAM way by the caller: 3 arrays x n x 8 B per pass (write-allocate of `a` not counted).
 *
 * With huge_pages set, the arrays are 2 MiB aligned and advised MADV_HUGEPAGE before the first
 * touch, as devito-ts does for field memory: the bound the kernels are held to is then the best
 * of both page sizes, not one the kernels' own layout beats by construction.
 */
#define _DEFAULT_SOURCE /* madvise under -std=c11 */
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <sys/mman.h>

/*
 * results[0] best seconds, [1] mean seconds, [2] worst seconds (timed passes only),
 * results[3] max |a[i] - expected| after the last pass (validation), results[4] threads used.
 * Returns 0, or 1 when the arrays cannot be allocated.
 */
int stream_triad(const long n, const int nthreads, const int ntimes, const int huge_pages, double *restrict results)
{
  const size_t align = huge_pages ? (size_t)2 << 20 : 64;
  const size_t bytes = ((size_t)n * sizeof(double) + align - 1) / align * align;
  double *restrict a = aligned_alloc(align, bytes);
  double *restrict b = aligned_alloc(align, bytes);
  double *restrict c = aligned_alloc(align, bytes);
  if (!a || !b || !c) {
    free(a);
    free(b);
    free(c);
    return 1;
  }
  if (huge_pages) {
    madvise(a, bytes, MADV_HUGEPAGE);
    madvise(b, bytes, MADV_HUGEPAGE);
    madvise(c, bytes, MADV_HUGEPAGE);
  }

  int used = 0;
  #pragma omp parallel num_threads(nthreads)
  {
    #pragma omp single
    used = omp_get_num_threads();
    #pragma omp for schedule(static)
    for (long i = 0; i < n; i++) {
      a[i] = 0.0;
      b[i] = 2.0;
      c[i] = 0.5;
    }
  }

  const double s = 3.0;
  double best = INFINITY, worst = 0.0, total = 0.0;
  for (int k = 0; k <= ntimes; k++) {
    const double t0 = omp_get_wtime();
    #pragma omp parallel for schedule(static) num_threads(nthreads)
    for (long i = 0; i < n; i++) a[i] = b[i] + s * c[i];
    const double t = omp_get_wtime() - t0;
    if (k == 0) continue; /* untimed first pass, as in STREAM */
    best = t < best ? t : best;
    worst = t > worst ? t : worst;
    total += t;
  }

  double error = 0.0;
  #pragma omp parallel for schedule(static) num_threads(nthreads) reduction(max : error)
  for (long i = 0; i < n; i++) {
    const double e = fabs(a[i] - (2.0 + s * 0.5));
    error = e > error ? e : error;
  }

  results[0] = best;
  results[1] = total / ntimes;
  results[2] = worst;
  results[3] = error;
  results[4] = used;
  free(a);
  free(b);
  free(c);
  return 0;
}
