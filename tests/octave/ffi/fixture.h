/*
 * The test fixture of the Octave emulation of MATLAB's loadlibrary/calllib
 * (bindings/matlab/octave): one function per type mapping and calllib rule of
 * MATLAB_FFI.md, written the way cbindgen writes include/lrp.h (opaque typedef'd
 * handles, const pointers, declarations wrapped over lines, C++ guards).
 */

#ifndef FX_H
#define FX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FX_OK 0

/* Not a declaration: the parser must drop the braces of a macro. */
#define FX_DEFAULTS { 1, 2, 3, }

/*
 An opaque counter handle.
 */
typedef struct FxCounter FxCounter;

typedef double fx_real;

#ifdef __cplusplus
extern "C" {
#endif // __cplusplus

/* ---- scalars in, scalar out */
int32_t fx_add_i32(int32_t a, int32_t b);
double fx_scale(double x, double k);
int64_t fx_neg_i64(int64_t x);
uint64_t fx_u64_add(uint64_t a, uint64_t b);
size_t fx_size_twice(size_t n);
float fx_half(float x);
uint8_t fx_u8_inc(uint8_t x);
int8_t fx_i8_neg(int8_t x);
int16_t fx_i16_neg(int16_t x);
uint32_t fx_u32_not(uint32_t x);
bool fx_not(bool x);
fx_real fx_typedef_twice(fx_real x);
void fx_noop(void);
int fx_int_sub(int a, unsigned int b);

/* More arguments than registers: the rest go on the stack. */
double fx_many(int32_t a,
               double b,
               size_t c,
               int64_t d,
               float e,
               uint8_t f,
               double g,
               int32_t h,
               double i,
               double j,
               double k,
               double l,
               double m,
               int32_t n);

/* ---- numeric pointers */
/* sum of x[0..n) to *sum; -1 if x or sum is NULL */
int32_t fx_sum(const double *x, size_t n, double *sum);

/* out[i] = i + 1 for i < n */
int32_t fx_fill_seq(double *out, size_t n);

/* Reads the rows x cols matrix x in column-major order, writes it row-major to out. */
int32_t fx_to_row_major(const double *x, size_t rows, size_t cols, double *out);

/* v[i] = v[i] * v[i], in place */
int32_t fx_i32_square(int32_t *v, size_t n);

int32_t fx_sizes(size_t *rows, size_t *cols);
int32_t fx_f32_scale(float *v, size_t n, float k);
/* sum of the n floats at x, accumulated in float, to *sum; -1 if x or sum is NULL */
int32_t fx_f32_sum(const float *x, size_t n, float *sum);
/* 1 if a and b are one address (the caller's own array passed twice), else 0 */
int32_t fx_f32_same(const float *a, const float *b);
int32_t fx_f64_same(const double *a, const double *b);
int32_t fx_u8_invert(uint8_t *v, size_t n);
int32_t fx_i64_u64(int64_t *a, uint64_t *b, size_t n);
int32_t fx_int16_inc(int16_t *v, size_t n);

/* 1 if p is NULL, else 0 */
int32_t fx_is_null(const double *p);

/* sum of the nbytes bytes at p */
uint64_t fx_bytes_sum(const void *p, size_t nbytes);
void *fx_void_echo(void *p);

/* A pointer to 4 static doubles {1, 2, 3, 4}. */
double *fx_static_doubles(void);

/* ---- strings */
size_t fx_strlen(const char *s);
const char *fx_greeting(void);
const char *fx_null_string(void);
char *fx_upper(char *s);
/* copies "fixture" (and a NUL) into buf; -1 if buf_len < 8 */
int32_t fx_write_name(char *buf, size_t buf_len);

/* ---- opaque handles */
FxCounter *fx_counter_new(int32_t start);
int32_t fx_counter_add(FxCounter *c, int32_t k);
int32_t fx_counter_get(const FxCounter *c, int32_t *value);
void fx_counter_free(FxCounter *c);
int32_t fx_counter_live(void);
/* *out = a new counter (NULL on a negative start, with -1) */
int32_t fx_counter_create(int32_t start, FxCounter **out);

/* ---- what the parser must skip: branches a C compiler drops (these functions do not
 exist: a parser that read them would report them as not found) ... */
#if 0
int32_t fx_hidden_if0(int32_t x);
#endif
#if defined(FX_NOT_DEFINED)
int32_t fx_hidden_undefined(int32_t x);
#elif !defined(FX_H)
int32_t fx_hidden_elif(int32_t x);
#else
#define FX_IN_ELSE 1
#endif
#ifdef FX_IN_ELSE
#else
int32_t fx_hidden_else(int32_t x);
#endif

/* ... and functions loadlibrary cannot call (skipped with a warning) */
int32_t fx_callback(int32_t (*f)(int32_t), int32_t x);
int32_t fx_varargs(int32_t n, ...);

#ifdef __cplusplus
}  // extern "C"
#endif  // __cplusplus

#endif  /* FX_H */
