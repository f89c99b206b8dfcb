/* floats: printf/strtod of doubles and floats with %f %e %g %a, including
 * subnormals, extremes, signed zero, infinities, NaN, ties in rounding and
 * round-trip precision; plus a few libm results.  Pure computation: the
 * output is fully deterministic (NaNs are only printed from constants, never
 * from arithmetic, whose NaN sign bit WebAssembly leaves unspecified). */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>

static void show(const char *name, double v) {
    printf("%-10s %%f=%f %%e=%e %%g=%g %%a=%a %%.17g=%.17g\n", name, v, v, v, v, v);
}

static uint64_t bits(double d) { uint64_t u; memcpy(&u, &d, 8); return u; }

int main(void) {
    show("zero", 0.0);
    show("negzero", -0.0);
    show("one", 1.0);
    show("0.1", 0.1);
    show("1/3", 1.0 / 3.0);
    show("-2/3", -2.0 / 3.0);
    show("pi", 3.141592653589793);
    show("1e21", 1e21);
    show("1e-7", 1e-7);
    show("123456.5", 123456.5);
    show("DBL_MAX", DBL_MAX);
    show("DBL_MIN", DBL_MIN);
    show("DBL_TRUE_MIN", 4.9406564584124654e-324);
    show("subnormal", 1e-310);
    show("DBL_EPS", DBL_EPSILON);
    show("2^53+1", 9007199254740993.0);
    show("inf", INFINITY);
    show("-inf", -INFINITY);
    show("nan", NAN);
    show("-nan", -NAN);

    /* Ties: printf rounds exactly (round-half-even on the exact binary value). */
    double ties[] = {0.5, 1.5, 2.5, 3.5, -0.5, 0.125, 0.375, 2.675, 1.005, 1e15 + 0.5};
    for (unsigned i = 0; i < sizeof ties / sizeof ties[0]; i++)
        printf("tie %-22.17g %%.0f=%.0f %%.2f=%.2f %%.1e=%.1e\n", ties[i], ties[i], ties[i], ties[i]);

    /* Widths, flags, precision. */
    printf("[%10.3f] [%-10.3f] [%+.3e] [% g] [%010.4f] [%#g] [%#.0f] [%.0e]\n",
           3.14159, 3.14159, 31415.9, 2.5, -3.5, 1.0, 2.0, 15.0);
    printf("[%.30f]\n", 0.1);
    printf("[%.60g]\n", 1e-300);
    printf("[%.3a] [%A] [%a]\n", 1.0 / 3.0, 255.5, 0.0);

    /* float (promoted to double) */
    float f = 16777217.0f, g = 0.1f, h = FLT_MAX, k = FLT_MIN;
    printf("float %.9g %.9g %.9g %.9g %a\n", f, g, h, k, (double)g);

    /* strtod round trips and tricky inputs. */
    const char *inputs[] = {
        "0.1", "2.2250738585072011e-308", "2.2250738585072014e-308",
        "1e400", "-1e-400", "4.9e-324", "2.4703282292062327e-324",
        "0x1.fffffffffffffp1023", "1.7976931348623157e308", "9007199254740993",
        "123.456e-2", "  -0.0", "inf", "-Infinity", "nan", "1e23", "8.98846567431158e307",
    };
    for (unsigned i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
        char *end;
        double d = strtod(inputs[i], &end);
        printf("strtod(\"%s\") = %.17g bits=%016llx consumed=%d\n", inputs[i], d,
               (unsigned long long)(isnan(d) ? 0x7ff8000000000000ull : bits(d)), (int)(end - inputs[i]));
    }

    /* Round-trip: %.17g of many values parses back to the same bits. */
    uint64_t x = 0x9E3779B97F4A7C15ull;
    int ok = 0, total = 0;
    for (int i = 0; i < 300; i++) {
        x ^= x << 13; x ^= x >> 7; x ^= x << 17;
        double d;
        uint64_t u = x & 0x7FEFFFFFFFFFFFFFull; /* finite */
        memcpy(&d, &u, 8);
        char buf[64];
        snprintf(buf, sizeof buf, "%.17g", d);
        total++;
        if (bits(strtod(buf, NULL)) == bits(d)) ok++;
    }
    printf("roundtrip %d/%d\n", ok, total);

    /* libm: computed in wasm (musl), so bit-exact on every host. */
    double args[] = {0.5, 1.0, 2.0, 10.0, 1e-5, 100.25};
    for (unsigned i = 0; i < sizeof args / sizeof args[0]; i++) {
        double a = args[i];
        printf("x=%g sqrt=%.17g exp=%.17g log=%.17g sin=%.17g cos=%.17g atan=%.17g pow(x,1.5)=%.17g\n",
               a, sqrt(a), exp(a), log(a), sin(a), cos(a), atan(a), pow(a, 1.5));
    }
    printf("fma=%.17g hypot=%.17g cbrt=%.17g floor=%g ceil=%g trunc=%g round=%g rint(2.5)=%g\n",
           fma(0.1, 10.0, -1.0), hypot(3.0, 4.0), cbrt(27.0), floor(-2.5), ceil(-2.5), trunc(-2.5),
           round(-2.5), rint(2.5));
    printf("isnan(0/0)=%d isinf(1/0)=%d signbit(-0.0)=%d\n",
           isnan(strtod("0", NULL) / strtod("0", NULL)), isinf(1.0 / strtod("0", NULL)), signbit(-0.0) != 0);
    return 0;
}
