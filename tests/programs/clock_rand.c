/* clock_rand: time and randomness.
 * Lines that depend on the clock start with "clock:", lines that depend on
 * the random seed start with "random:"; every other line is deterministic
 * on any correct host (it only checks properties: monotonicity, elapsed
 * time after sleeping, getentropy limits, libc rand() with a fixed seed).
 * Compare the rest with: grep -v -E '^(clock|random):' */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static int64_t ns(clockid_t id) {
    struct timespec ts;
    if (clock_gettime(id, &ts) != 0) return -1;
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void hex(const char *label, const unsigned char *p, size_t n) {
    printf("random: %s ", label);
    for (size_t i = 0; i < n; i++) printf("%02x", p[i]);
    printf("\n");
}

int main(void) {
    /* --- clocks --- */
    struct timespec res;
    int rc = clock_getres(CLOCK_REALTIME, &res);
    printf("clock_getres(REALTIME) rc=%d\n", rc);
    printf("clock: res REALTIME = %lld ns\n", (long long)res.tv_sec * 1000000000 + res.tv_nsec);
    rc = clock_getres(CLOCK_MONOTONIC, &res);
    printf("clock_getres(MONOTONIC) rc=%d\n", rc);
    printf("clock: res MONOTONIC = %lld ns\n", (long long)res.tv_sec * 1000000000 + res.tv_nsec);

    int64_t r0 = ns(CLOCK_REALTIME);
    time_t t = time(NULL);
    int64_t r1 = ns(CLOCK_REALTIME);
    int64_t m0 = ns(CLOCK_MONOTONIC);
    printf("clock: realtime = %lld ns\n", (long long)r0);
    printf("clock: time() = %lld\n", (long long)t);
    printf("clock: monotonic = %lld ns\n", (long long)m0);
    printf("time() within realtime reads: %s\n",
           (int64_t)t >= r0 / 1000000000 && (int64_t)t <= r1 / 1000000000 ? "yes" : "no");
    printf("clock: realtime after 2020-01-01: %s\n", r0 > 1577836800LL * 1000000000 ? "yes" : "no");

    struct tm tm;
    gmtime_r(&t, &tm);
    char buf[64];
    strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    printf("clock: gmtime = %s\n", buf);
    struct timeval tv;
    gettimeofday(&tv, NULL);
    printf("clock: gettimeofday = %lld.%06ld\n", (long long)tv.tv_sec, (long)tv.tv_usec);

    /* Monotonic clock never goes backwards. */
    int64_t prev = ns(CLOCK_MONOTONIC), backwards = 0, increases = 0;
    for (int i = 0; i < 1000; i++) {
        int64_t now = ns(CLOCK_MONOTONIC);
        if (now < prev) backwards++;
        if (now > prev) increases++;
        prev = now;
    }
    printf("monotonic: 1000 reads, went backwards %lld times\n", (long long)backwards);
    printf("clock: monotonic strictly increased %lld of 1000 times\n", (long long)increases);

    /* A busy-wait loop for 5 ms of clock time must terminate. */
    int64_t start = ns(CLOCK_MONOTONIC);
    long spins = 0;
    while (ns(CLOCK_MONOTONIC) - start < 5000000) spins++;
    printf("busy-wait for 5 ms: done\n");
    printf("clock: busy-wait spins = %ld\n", spins);

    /* Sleeping (poll_oneoff with a clock subscription) lets that much time pass. */
    int64_t before = ns(CLOCK_MONOTONIC);
    struct timespec req = {0, 20000000};
    rc = nanosleep(&req, NULL);
    int64_t slept = ns(CLOCK_MONOTONIC) - before;
    printf("nanosleep(20 ms) rc=%d, elapsed >= 20 ms: %s\n", rc, slept >= 20000000 ? "yes" : "no");
    printf("clock: nanosleep elapsed = %lld ns\n", (long long)slept);
    before = ns(CLOCK_MONOTONIC);
    rc = usleep(1500);
    slept = ns(CLOCK_MONOTONIC) - before;
    printf("usleep(1500) rc=%d, elapsed >= 1.5 ms: %s\n", rc, slept >= 1500000 ? "yes" : "no");
    int64_t r2 = ns(CLOCK_REALTIME);
    printf("realtime advanced during the run: %s\n", r2 > r0 ? "yes" : "no");

    /* --- randomness --- */
    unsigned char a[16], b[16], big[256];
    printf("getentropy(16) rc=%d\n", getentropy(a, sizeof a));
    printf("getentropy(16) rc=%d\n", getentropy(b, sizeof b));
    hex("getentropy a =", a, sizeof a);
    hex("getentropy b =", b, sizeof b);
    printf("two draws differ: %s\n", memcmp(a, b, sizeof a) ? "yes" : "no");
    printf("getentropy(256) rc=%d\n", getentropy(big, sizeof big));
    errno = 0;
    rc = getentropy(big, 257);
    printf("getentropy(257) rc=%d errno=%s\n", rc, errno == EIO ? "EIO" : errno ? "other" : "0");
    int ones = 0;
    for (int i = 0; i < 256; i++) ones += __builtin_popcount(big[i]);
    printf("random: ones in 2048 bits = %d\n", ones);
    printf("bit balance within 40%%..60%%: %s\n", ones > 819 && ones < 1229 ? "yes" : "no");

    uint32_t r = arc4random();
    printf("random: arc4random = %08x\n", r);
    printf("random: arc4random_uniform(6)+1 x8 =");
    for (int i = 0; i < 8; i++) printf(" %u", arc4random_uniform(6) + 1);
    printf("\n");

    /* libc rand() with a fixed seed is pure computation: deterministic. */
    srand(12345);
    printf("rand() after srand(12345):");
    for (int i = 0; i < 5; i++) printf(" %d", rand());
    printf("\n");
    /* seeded from the host's entropy: depends on the seed */
    unsigned seed;
    getentropy(&seed, sizeof seed);
    srand(seed);
    printf("random: rand() after srand(entropy):");
    for (int i = 0; i < 3; i++) printf(" %d", rand());
    printf("\n");
    return 0;
}
