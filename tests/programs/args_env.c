/* args_env: prints argc/argv and the environment it was given.
 * Exercises args_sizes_get/args_get and environ_sizes_get/environ_get. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern char **environ;

static int cmp(const void *a, const void *b) {
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int main(int argc, char **argv) {
    printf("argc=%d\n", argc);
    for (int i = 0; i < argc; i++)
        printf("argv[%d]=\"%s\" (len %zu)\n", i, argv[i], strlen(argv[i]));

    int n = 0;
    while (environ[n]) n++;
    printf("envc=%d\n", n);
    /* Environment in the order the host gave it ... */
    for (int i = 0; i < n; i++)
        printf("env[%d]=%s\n", i, environ[i]);
    /* ... and sorted, so the output does not depend on that order. */
    char **sorted = malloc((n + 1) * sizeof *sorted);
    memcpy(sorted, environ, n * sizeof *sorted);
    qsort(sorted, n, sizeof *sorted, cmp);
    for (int i = 0; i < n; i++)
        printf("sorted[%d]=%s\n", i, sorted[i]);
    free(sorted);

    const char *greet = getenv("GREETING");
    printf("getenv(GREETING)=%s\n", greet ? greet : "(null)");
    const char *home = getenv("HOME");
    printf("getenv(HOME)=%s\n", home ? home : "(null)");
    return 0;
}
