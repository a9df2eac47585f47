/*
 * devito-ts: lossy checkpoint compression through libzfp (Debian: libzfp-dev), fixed-accuracy mode.
 *
 * One contiguous float or double array per call, of 1 to 3 dimensions given in zfp's order
 * (nx fastest; ny and nz are 0 when unused). Sizes are in bytes; a negative result is an error
 * code (see enum below). The caller owns every buffer; nothing here allocates data buffers.
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <zfp.h>

enum {
  DTS_ZFP_BAD_ARGUMENT = -1,
  DTS_ZFP_CAPACITY = -2,
  DTS_ZFP_FAILED = -3,
  DTS_ZFP_CORRUPT = -4
};

/* Magic and mode only: the field metadata word cannot encode 3D axes past 65536 points, and the
   caller knows the shape anyway; the mode word catches a stream read with the wrong tolerance. */
#define DTS_ZFP_HEADER (ZFP_HEADER_MAGIC | ZFP_HEADER_MODE)

/* Values from which compression and the scans below run on OpenMP threads. */
#define DTS_ZFP_PARALLEL_MIN 65536

static zfp_field *dts_field(void *data, int is_double, int dims, int64_t nx, int64_t ny, int64_t nz)
{
  zfp_type type = is_double ? zfp_type_double : zfp_type_float;
  if (nx < 1) return NULL;
  switch (dims) {
    case 1: return zfp_field_1d(data, type, (size_t)nx);
    case 2: return ny < 1 ? NULL : zfp_field_2d(data, type, (size_t)nx, (size_t)ny);
    case 3: return ny < 1 || nz < 1 ? NULL : zfp_field_3d(data, type, (size_t)nx, (size_t)ny, (size_t)nz);
    default: return NULL;
  }
}

static zfp_stream *dts_stream(double tolerance)
{
  zfp_stream *zfp = zfp_stream_open(NULL);
  if (zfp) zfp_stream_set_accuracy(zfp, tolerance);
  return zfp;
}

static int dts_bad_tolerance(double tolerance)
{
  return !(tolerance > 0) || !isfinite(tolerance);
}

/* Bytes the compressed stream (header included) can take at most: the capacity to provide. */
int64_t dts_zfp_maximum_size(int is_double, int dims, int64_t nx, int64_t ny, int64_t nz, double tolerance)
{
  if (dts_bad_tolerance(tolerance)) return DTS_ZFP_BAD_ARGUMENT;
  zfp_field *field = dts_field(NULL, is_double, dims, nx, ny, nz);
  zfp_stream *zfp = dts_stream(tolerance);
  int64_t result = field && zfp ? (int64_t)zfp_stream_maximum_size(zfp, field) : DTS_ZFP_BAD_ARGUMENT;
  if (zfp) zfp_stream_close(zfp);
  if (field) zfp_field_free(field);
  return result;
}

/* src → dst (capacity bytes, 8-byte aligned); returns the stream's bytes, a multiple of 8. */
int64_t dts_zfp_compress(int is_double, int dims, int64_t nx, int64_t ny, int64_t nz, double tolerance,
                         const void *src, void *dst, int64_t capacity)
{
  if (dts_bad_tolerance(tolerance) || !src || !dst || capacity < 0) return DTS_ZFP_BAD_ARGUMENT;
  zfp_field *field = dts_field((void *)src, is_double, dims, nx, ny, nz);
  zfp_stream *zfp = dts_stream(tolerance);
  bitstream *bits = NULL;
  int64_t result = DTS_ZFP_BAD_ARGUMENT;
  if (!field || !zfp) goto done;
  /* NOTE: zfp's bit writer does not check bounds, so the worst case must fit before it starts. */
  result = DTS_ZFP_CAPACITY;
  if ((uint64_t)capacity < zfp_stream_maximum_size(zfp, field)) goto done;
  result = DTS_ZFP_FAILED;
  bits = stream_open(dst, (size_t)capacity);
  if (!bits) goto done;
  zfp_stream_set_bit_stream(zfp, bits);
  zfp_stream_rewind(zfp);
  /* zfp's OpenMP compressor writes the same stream as the serial one (blocks are coded
     independently and concatenated); below a few blocks per thread it only adds overhead.
     A libzfp built without OpenMP refuses, and compression stays serial. */
  if (zfp_field_size(field, NULL) >= DTS_ZFP_PARALLEL_MIN) zfp_stream_set_execution(zfp, zfp_exec_omp);
  if (!zfp_write_header(zfp, field, DTS_ZFP_HEADER)) goto done;
  size_t bytes = zfp_compress(zfp, field);
  if (bytes > 0) result = (int64_t)bytes;
done:
  if (bits) stream_close(bits);
  if (zfp) zfp_stream_close(zfp);
  if (field) zfp_field_free(field);
  return result;
}

/*
 * src (readable for capacity bytes ≥ the maximum size, 8-byte aligned; the stream itself is
 * `stored` bytes) → dst. Returns the bytes consumed, or DTS_ZFP_CORRUPT when the header does not
 * match `tolerance` or decoding ran past `stored` bytes.
 */
int64_t dts_zfp_decompress(int is_double, int dims, int64_t nx, int64_t ny, int64_t nz, double tolerance,
                           void *dst, const void *src, int64_t capacity, int64_t stored)
{
  if (dts_bad_tolerance(tolerance) || !src || !dst || capacity < 0 || stored < 0) return DTS_ZFP_BAD_ARGUMENT;
  zfp_field *field = dts_field(dst, is_double, dims, nx, ny, nz);
  zfp_stream *zfp = dts_stream(tolerance);
  bitstream *bits = NULL;
  int64_t result = DTS_ZFP_BAD_ARGUMENT;
  if (!field || !zfp) goto done;
  /* NOTE: the bit reader does not check bounds either; damaged data decodes at most this far. */
  result = DTS_ZFP_CAPACITY;
  if ((uint64_t)capacity < zfp_stream_maximum_size(zfp, field)) goto done;
  uint64 expected_mode = zfp_stream_mode(zfp);
  result = DTS_ZFP_FAILED;
  bits = stream_open((void *)src, (size_t)capacity);
  if (!bits) goto done;
  zfp_stream_set_bit_stream(zfp, bits);
  zfp_stream_rewind(zfp);
  result = DTS_ZFP_CORRUPT;
  if (!zfp_read_header(zfp, field, DTS_ZFP_HEADER) || zfp_stream_mode(zfp) != expected_mode) goto done;
  size_t bytes = zfp_decompress(zfp, field);
  if (bytes > 0 && bytes <= (uint64_t)stored) result = (int64_t)bytes;
done:
  if (bits) stream_close(bits);
  if (zfp) zfp_stream_close(zfp);
  if (field) zfp_field_free(field);
  return result;
}

/* max |a[i]|, or +inf when a value is not finite (zfp cannot represent those). */
double dts_zfp_max_abs(int is_double, const void *a, int64_t n)
{
  double peak = 0;
  int bad = 0;
#pragma omp parallel for reduction(max : peak) reduction(| : bad) if (n >= DTS_ZFP_PARALLEL_MIN)
  for (int64_t i = 0; i < n; i++) {
    double x = fabs(is_double ? ((const double *)a)[i] : (double)((const float *)a)[i]);
    if (!isfinite(x)) bad = 1;
    else if (x > peak) peak = x;
  }
  return bad ? INFINITY : peak;
}

/* max |a[i] − b[i]|, or +inf when a difference is not finite. */
double dts_zfp_max_abs_diff(int is_double, const void *a, const void *b, int64_t n)
{
  double peak = 0;
  int bad = 0;
#pragma omp parallel for reduction(max : peak) reduction(| : bad) if (n >= DTS_ZFP_PARALLEL_MIN)
  for (int64_t i = 0; i < n; i++) {
    double d = is_double ? ((const double *)a)[i] - ((const double *)b)[i]
                         : (double)((const float *)a)[i] - (double)((const float *)b)[i];
    d = fabs(d);
    if (!isfinite(d)) bad = 1;
    else if (d > peak) peak = d;
  }
  return bad ? INFINITY : peak;
}
