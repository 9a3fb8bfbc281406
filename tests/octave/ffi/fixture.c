/* The test fixture of the Octave FFI emulation; see fixture.h. */
#include "fixture.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

int32_t fx_add_i32(int32_t a, int32_t b) { return a + b; }
double fx_scale(double x, double k) { return x * k; }
int64_t fx_neg_i64(int64_t x) { return -x; }
uint64_t fx_u64_add(uint64_t a, uint64_t b) { return a + b; }
size_t fx_size_twice(size_t n) { return 2 * n; }
float fx_half(float x) { return x / 2; }
uint8_t fx_u8_inc(uint8_t x) { return (uint8_t)(x + 1); }
int8_t fx_i8_neg(int8_t x) { return (int8_t)-x; }
int16_t fx_i16_neg(int16_t x) { return (int16_t)-x; }
uint32_t fx_u32_not(uint32_t x) { return ~x; }
bool fx_not(bool x) { return !x; }
fx_real fx_typedef_twice(fx_real x) { return 2 * x; }
void fx_noop(void) {}
int fx_int_sub(int a, unsigned int b) { return a - (int)b; }

double fx_many(int32_t a, double b, size_t c, int64_t d, float e, uint8_t f, double g,
               int32_t h, double i, double j, double k, double l, double m, int32_t n)
{
    /* Distinct weights: a swapped or lost argument changes the result. */
    return a + 2 * b + 3.0 * (double)c + 4.0 * (double)d + 5 * e + 6 * f + 7 * g + 8 * h
           + 9 * i + 10 * j + 11 * k + 12 * l + 13 * m + 14 * n;
}

int32_t fx_sum(const double *x, size_t n, double *sum)
{
    if (!x || !sum)
        return -1;
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += x[i];
    *sum = s;
    return 0;
}

int32_t fx_fill_seq(double *out, size_t n)
{
    if (!out)
        return -1;
    for (size_t i = 0; i < n; i++)
        out[i] = (double)(i + 1);
    return 0;
}

int32_t fx_to_row_major(const double *x, size_t rows, size_t cols, double *out)
{
    if (!x || !out)
        return -1;
    for (size_t r = 0; r < rows; r++)
        for (size_t c = 0; c < cols; c++)
            out[r * cols + c] = x[c * rows + r];
    return 0;
}

int32_t fx_i32_square(int32_t *v, size_t n)
{
    if (!v)
        return -1;
    for (size_t i = 0; i < n; i++)
        v[i] *= v[i];
    return 0;
}

int32_t fx_sizes(size_t *rows, size_t *cols)
{
    if (!rows || !cols)
        return -1;
    *rows = 3;
    *cols = 4;
    return 0;
}

int32_t fx_f32_scale(float *v, size_t n, float k)
{
    if (!v)
        return -1;
    for (size_t i = 0; i < n; i++)
        v[i] *= k;
    return 0;
}

int32_t fx_f32_sum(const float *x, size_t n, float *sum)
{
    if (!x || !sum)
        return -1;
    float s = 0;
    for (size_t i = 0; i < n; i++)
        s += x[i];
    *sum = s;
    return 0;
}

int32_t fx_f32_same(const float *a, const float *b) { return a == b; }

int32_t fx_f64_same(const double *a, const double *b) { return a == b; }

int32_t fx_u8_invert(uint8_t *v, size_t n)
{
    if (!v)
        return -1;
    for (size_t i = 0; i < n; i++)
        v[i] = (uint8_t)(255 - v[i]);
    return 0;
}

int32_t fx_i64_u64(int64_t *a, uint64_t *b, size_t n)
{
    if (!a || !b)
        return -1;
    for (size_t i = 0; i < n; i++) {
        a[i] = -a[i];
        b[i] = b[i] * 2;
    }
    return 0;
}

int32_t fx_int16_inc(int16_t *v, size_t n)
{
    if (!v)
        return -1;
    for (size_t i = 0; i < n; i++)
        v[i]++;
    return 0;
}

int32_t fx_is_null(const double *p) { return p == NULL; }

uint64_t fx_bytes_sum(const void *p, size_t nbytes)
{
    const unsigned char *q = p;
    uint64_t s = 0;
    if (!q)
        return 0;
    for (size_t i = 0; i < nbytes; i++)
        s += q[i];
    return s;
}

void *fx_void_echo(void *p) { return p; }

double *fx_static_doubles(void)
{
    static double values[4] = {1, 2, 3, 4};
    return values;
}

size_t fx_strlen(const char *s) { return s ? strlen(s) : (size_t)-1; }
const char *fx_greeting(void) { return "hello, world"; }
const char *fx_null_string(void) { return NULL; }

char *fx_upper(char *s)
{
    if (s)
        for (char *p = s; *p; p++)
            *p = (char)toupper((unsigned char)*p);
    return s;
}

int32_t fx_write_name(char *buf, size_t buf_len)
{
    if (!buf || buf_len < 8)
        return -1;
    memcpy(buf, "fixture", 8);
    return 0;
}

struct FxCounter {
    int32_t value;
};

static int32_t live;

FxCounter *fx_counter_new(int32_t start)
{
    FxCounter *c = malloc(sizeof *c);
    if (c) {
        c->value = start;
        live++;
    }
    return c;
}

int32_t fx_counter_add(FxCounter *c, int32_t k)
{
    if (!c)
        return -1;
    c->value += k;
    return 0;
}

int32_t fx_counter_get(const FxCounter *c, int32_t *value)
{
    if (!c || !value)
        return -1;
    *value = c->value;
    return 0;
}

void fx_counter_free(FxCounter *c)
{
    if (c) {
        free(c);
        live--;
    }
}

int32_t fx_counter_live(void) { return live; }

int32_t fx_counter_create(int32_t start, FxCounter **out)
{
    if (!out)
        return -1;
    if (start < 0) {
        *out = NULL;
        return -1;
    }
    *out = fx_counter_new(start);
    return 0;
}

int32_t fx_callback(int32_t (*f)(int32_t), int32_t x) { return f ? f(x) : x; }

int32_t fx_varargs(int32_t n, ...)
{
    va_list ap;
    int32_t s = 0;
    va_start(ap, n);
    for (int32_t i = 0; i < n; i++)
        s += va_arg(ap, int32_t);
    va_end(ap);
    return s;
}
