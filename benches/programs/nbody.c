// An n-body gravity simulation in f64: a float benchmark (additions,
// multiplications, divisions and square roots, with no loads from a table).
//
// Freestanding: no libc, no WASI, no imports. The square root is
// __builtin_sqrt, which clang lowers to the wasm instruction f64.sqrt.
// Exports:
//   nbody(n) -> the total energy (kinetic plus potential) of the system after
//               n time steps, as f64; the initial energy for n <= 0.
// The system: one heavy central body and seven lighter ones on roughly circular,
// slightly inclined orbits, in units where the gravitational constant is 1;
// the initial velocities are then shifted so that the total momentum is zero.
// Every step updates all 28 pairs (semi-implicit Euler, step 0.01).
// All operations are IEEE 754 basic operations in a fixed order, so the result
// is the same bit for bit on every conforming engine and in native code without
// fused multiply-add.

#define BODIES 8
#define DT 0.01

static double px[BODIES], py[BODIES], pz[BODIES];
static double vx[BODIES], vy[BODIES], vz[BODIES];
static double mass[BODIES];

static void init(void) {
    mass[0] = 1000.0;
    px[0] = py[0] = pz[0] = 0.0;
    vx[0] = vy[0] = vz[0] = 0.0;
    for (int i = 1; i < BODIES; i++) {
        double r = 6.0 * i + 4.0;
        double speed = __builtin_sqrt(mass[0] / r);
        mass[i] = 1.0 / (double)(i + 1);
        // Body i starts i quarter turns around the z axis (no sin or cos needed).
        double c = (i % 4 == 0) ? 1.0 : (i % 4 == 1) ? 0.0 : (i % 4 == 2) ? -1.0 : 0.0;
        double s = (i % 4 == 0) ? 0.0 : (i % 4 == 1) ? 1.0 : (i % 4 == 2) ? 0.0 : -1.0;
        px[i] = r * c;
        py[i] = r * s;
        pz[i] = 0.05 * r * (double)((i % 3) - 1);
        vx[i] = -speed * s;
        vy[i] = speed * c;
        vz[i] = 0.01 * (double)i;
    }
    double mx = 0.0, my = 0.0, mz = 0.0;
    for (int i = 0; i < BODIES; i++) {
        mx += mass[i] * vx[i];
        my += mass[i] * vy[i];
        mz += mass[i] * vz[i];
    }
    vx[0] -= mx / mass[0];
    vy[0] -= my / mass[0];
    vz[0] -= mz / mass[0];
}

static void advance(void) {
    for (int i = 0; i < BODIES; i++) {
        for (int j = i + 1; j < BODIES; j++) {
            double dx = px[i] - px[j];
            double dy = py[i] - py[j];
            double dz = pz[i] - pz[j];
            double d2 = dx * dx + dy * dy + dz * dz;
            double d = __builtin_sqrt(d2);
            double f = DT / (d2 * d);
            double fi = mass[j] * f;
            double fj = mass[i] * f;
            vx[i] -= dx * fi;
            vy[i] -= dy * fi;
            vz[i] -= dz * fi;
            vx[j] += dx * fj;
            vy[j] += dy * fj;
            vz[j] += dz * fj;
        }
    }
    for (int i = 0; i < BODIES; i++) {
        px[i] += DT * vx[i];
        py[i] += DT * vy[i];
        pz[i] += DT * vz[i];
    }
}

static double energy(void) {
    double e = 0.0;
    for (int i = 0; i < BODIES; i++) {
        e += 0.5 * mass[i] * (vx[i] * vx[i] + vy[i] * vy[i] + vz[i] * vz[i]);
        for (int j = i + 1; j < BODIES; j++) {
            double dx = px[i] - px[j];
            double dy = py[i] - py[j];
            double dz = pz[i] - pz[j];
            e -= mass[i] * mass[j] / __builtin_sqrt(dx * dx + dy * dy + dz * dz);
        }
    }
    return e;
}

__attribute__((export_name("nbody"))) double nbody(int n) {
    init();
    for (int step = 0; step < n; step++) {
        advance();
    }
    return energy();
}
