/*
 * A tiny test harness: CHECK-style macros that count passes and failures and report each
 * failure with file:line, and RUN_TEST, which runs one test function and names it.
 *
 * The counters are plain globals: call the macros from the main thread only. Tests that
 * start threads collect results in their own structs and check them after joining.
 * CHECK_STATUS, CHECK_ERROR_MENTIONS and CHECK_FAILS expand to calls of lrp.h: include it
 * where they are used.
 */
#ifndef LRP_TEST_HARNESS_H
#define LRP_TEST_HARNESS_H

#include <stddef.h>
#include <stdint.h>

/* Counts one check; prints "file:line: FAIL: expr" (and the formatted detail, if any)
 * when `ok` is 0. Returns `ok`, so callers can skip work that depends on it. */
int harness_check(int ok, const char *file, int line, const char *expr, const char *fmt, ...);

/* Counts one check that `got` equals `want`; on a mismatch prints both status names and
 * the calling thread's lrp_last_error(). Returns 1 when they are equal. */
int harness_check_status(int32_t got, int32_t want, const char *file, int line,
                         const char *expr);

/* Counts one check that `message` contains every string of the NULL-terminated `parts`;
 * prints the message and the missing part otherwise. */
int harness_check_mentions(const char *message, const char *const *parts, const char *file,
                           int line);

/* Runs `fn`, printing its name and how many checks it failed. */
void harness_run(const char *name, void (*fn)(void));

/* Totals over the whole run. */
long harness_passed(void);
long harness_failed(void);

#define CHECK(cond) harness_check(!!(cond), __FILE__, __LINE__, #cond, NULL)

/* CHECK with a printf-style detail printed on failure, e.g. the case being compared. */
#define CHECK_MSG(cond, ...) harness_check(!!(cond), __FILE__, __LINE__, #cond, __VA_ARGS__)

/* The status of `call` is `want` (an LRP_* code). */
#define CHECK_STATUS(call, want) harness_check_status((call), (want), __FILE__, __LINE__, #call)

#define CHECK_OK(call) CHECK_STATUS(call, LRP_OK)

/* lrp_last_error() of this thread mentions every argument, e.g.
 * CHECK_ERROR_MENTIONS("lrp_network_forward", "expected 6", "given"). */
#define CHECK_ERROR_MENTIONS(...)                                                            \
    harness_check_mentions(lrp_last_error(), (const char *const[]){__VA_ARGS__, NULL},        \
                           __FILE__, __LINE__)

/* `call` fails with status `want` and, if it does, lrp_last_error() mentions every further
 * argument (the function's name and what went wrong), e.g.
 * CHECK_FAILS(lrp_network_lrp(...), LRP_ERR_UNKNOWN_RULE, "lrp_network_lrp", "'bogus'"). */
#define CHECK_FAILS(call, want, ...)                                                         \
    do {                                                                                     \
        if (CHECK_STATUS(call, want)) {                                                      \
            CHECK_ERROR_MENTIONS(__VA_ARGS__);                                               \
        }                                                                                    \
    } while (0)

/* Any string mentions every argument (for messages copied out of a thread). */
#define CHECK_TEXT_MENTIONS(text, ...)                                                       \
    harness_check_mentions((text), (const char *const[]){__VA_ARGS__, NULL}, __FILE__, __LINE__)

#define RUN_TEST(fn) harness_run(#fn, fn)

#endif /* LRP_TEST_HARNESS_H */
