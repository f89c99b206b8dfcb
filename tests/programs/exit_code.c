/* exit_code: writes to stdout and stderr, runs an atexit handler and exits
 * with status 3 (or the status given as argv[1]).  Exercises fd_write on
 * fds 1 and 2 and proc_exit with a non-zero code. */
#include <stdio.h>
#include <stdlib.h>

static void bye(void) { printf("atexit handler ran\n"); }

int main(int argc, char **argv) {
    int code = argc > 1 ? atoi(argv[1]) : 3;
    atexit(bye);
    printf("to stdout: exiting with %d\n", code);
    fprintf(stderr, "to stderr: exiting with %d\n", code);
    printf("unflushed line without newline...");  /* flushed by exit() */
    printf("\n");
    exit(code);
}
