/* The harness's counters and reporting (see harness.h). */
#include "harness.h"

#include "lrp.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static long passed;
static long failed;

static void report_failure(const char *file, int line, const char *what)
{
    /* stdout, not stderr, so that failures interleave with the test names in one log. */
    printf("  %s:%d: FAIL: %s\n", file, line, what);
}

int harness_check(int ok, const char *file, int line, const char *expr, const char *fmt, ...)
{
    if (ok) {
        passed++;
        return 1;
    }
    failed++;
    report_failure(file, line, expr);
    if (fmt != NULL) {
        va_list args;
        va_start(args, fmt);
        printf("    ");
        vprintf(fmt, args);
        printf("\n");
        va_end(args);
    }
    fflush(stdout);
    return 0;
}

int harness_check_status(int32_t got, int32_t want, const char *file, int line,
                         const char *expr)
{
    if (got == want) {
        passed++;
        return 1;
    }
    failed++;
    report_failure(file, line, expr);
    printf("    status %s (%d), expected %s (%d); lrp_last_error: \"%s\"\n",
           lrp_status_name(got), (int)got, lrp_status_name(want), (int)want, lrp_last_error());
    fflush(stdout);
    return 0;
}

int harness_check_mentions(const char *message, const char *const *parts, const char *file,
                           int line)
{
    size_t i;
    for (i = 0; parts[i] != NULL; i++) {
        if (message == NULL || strstr(message, parts[i]) == NULL) {
            failed++;
            report_failure(file, line, "message mentions every expected part");
            printf("    message \"%s\" does not mention \"%s\"\n",
                   message == NULL ? "(NULL)" : message, parts[i]);
            fflush(stdout);
            return 0;
        }
    }
    passed++;
    return 1;
}

void harness_run(const char *name, void (*fn)(void))
{
    long failed_before = failed;
    long passed_before = passed;
    printf("%s\n", name);
    fflush(stdout);
    fn();
    printf("  %s: %ld checks, %ld failed\n", failed == failed_before ? "ok" : "FAILED",
           (passed - passed_before) + (failed - failed_before), failed - failed_before);
    fflush(stdout);
}

long harness_passed(void)
{
    return passed;
}

long harness_failed(void)
{
    return failed;
}
