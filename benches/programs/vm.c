// A small stack-based bytecode virtual machine with switch dispatch: a benchmark
// of an interpreter loop (an indirect branch per bytecode, operand loads, and a
// value stack and registers in linear memory).
//
// Freestanding: no libc, no WASI, no imports.
// Exports:
//   vm_collatz(n) -> runs the bytecode program assembled below, which returns
//                    the total number of Collatz steps (x -> x / 2 if x is even,
//                    3x + 1 if odd, until x = 1) of all starting values 1..n;
//                    0 for n < 1. Intermediate values stay below 2^32 for
//                    n < 100000. Returns -1 if the machine faults.
//   vm_steps(n)   -> the number of bytecodes the machine executes for
//                    vm_collatz(n) (the result of vm_collatz is discarded).

typedef unsigned int u32;

enum {
    OP_HALT,  // stop; the result is the top of the stack
    OP_PUSH,  // imm: push imm
    OP_LOAD,  // r: push register r
    OP_STORE, // r: pop into register r
    OP_INC,   // r: register r += 1
    OP_ADD,   // pop b, pop a, push a + b
    OP_MUL,   // pop b, pop a, push a * b
    OP_AND,   // pop b, pop a, push a & b
    OP_SHR,   // pop b, pop a, push a >> (b & 31)
    OP_EQ,    // pop b, pop a, push a == b
    OP_LE,    // pop b, pop a, push a <= b (unsigned)
    OP_JMP,   // target: jump
    OP_JZ,    // target: pop, jump if zero
    OP_JNZ,   // target: pop, jump if not zero
};

#define CODE_MAX 128
#define STACK_MAX 16
#define REGS 4

static u32 code[CODE_MAX];
static u32 len;

static void emit(u32 word) {
    code[len++] = word;
}

// Emits a jump with a placeholder target and returns where the target goes.
static u32 emit_jump(u32 op) {
    emit(op);
    emit(0);
    return len - 1;
}

// The program. Registers: r0 = n, r1 = i, r2 = x, r3 = total steps.
static void assemble(void) {
    len = 0;
    emit(OP_PUSH), emit(1), emit(OP_STORE), emit(1); //     i = 1
    emit(OP_PUSH), emit(0), emit(OP_STORE), emit(3); //     total = 0
    u32 outer = len;                                 // outer:
    emit(OP_LOAD), emit(1), emit(OP_LOAD), emit(0);  //     if !(i <= n) goto end
    emit(OP_LE);
    u32 to_end = emit_jump(OP_JZ);
    emit(OP_LOAD), emit(1), emit(OP_STORE), emit(2); //     x = i
    u32 inner = len;                                 // inner:
    emit(OP_LOAD), emit(2), emit(OP_PUSH), emit(1);  //     if x == 1 goto next
    emit(OP_EQ);
    u32 to_next = emit_jump(OP_JNZ);
    emit(OP_LOAD), emit(2), emit(OP_PUSH), emit(1);  //     if !(x & 1) goto even
    emit(OP_AND);
    u32 to_even = emit_jump(OP_JZ);
    emit(OP_LOAD), emit(2), emit(OP_PUSH), emit(3);  //     x = 3 * x + 1
    emit(OP_MUL), emit(OP_PUSH), emit(1), emit(OP_ADD);
    emit(OP_STORE), emit(2);
    u32 to_step = emit_jump(OP_JMP);                 //     goto step
    code[to_even] = len;                             // even:
    emit(OP_LOAD), emit(2), emit(OP_PUSH), emit(1);  //     x = x >> 1
    emit(OP_SHR), emit(OP_STORE), emit(2);
    code[to_step] = len;                             // step:
    emit(OP_INC), emit(3);                           //     total += 1
    emit(OP_JMP), emit(inner);                       //     goto inner
    code[to_next] = len;                             // next:
    emit(OP_INC), emit(1);                           //     i += 1
    emit(OP_JMP), emit(outer);                       //     goto outer
    code[to_end] = len;                              // end:
    emit(OP_LOAD), emit(3), emit(OP_HALT);           //     return total
}

static u32 executed;

// Runs the program with r0 = n; returns the top of the stack at OP_HALT, or -1
// on a fault (a bad opcode, jump target, register or stack depth).
static int run(u32 n) {
    u32 regs[REGS] = {n, 0, 0, 0};
    u32 stack[STACK_MAX];
    u32 sp = 0;
    u32 pc = 0;
    u32 count = 0;
    for (;;) {
        if (pc >= len) {
            return -1;
        }
        u32 op = code[pc++];
        count++;
        u32 a, b;
        switch (op) {
        case OP_HALT:
            executed = count;
            return sp == 0 ? -1 : (int)stack[sp - 1];
        case OP_PUSH:
            if (sp == STACK_MAX) {
                return -1;
            }
            stack[sp++] = code[pc++];
            break;
        case OP_LOAD:
            if (sp == STACK_MAX || code[pc] >= REGS) {
                return -1;
            }
            stack[sp++] = regs[code[pc++]];
            break;
        case OP_STORE:
            if (sp == 0 || code[pc] >= REGS) {
                return -1;
            }
            regs[code[pc++]] = stack[--sp];
            break;
        case OP_INC:
            if (code[pc] >= REGS) {
                return -1;
            }
            regs[code[pc++]] += 1;
            break;
        case OP_ADD:
        case OP_MUL:
        case OP_AND:
        case OP_SHR:
        case OP_EQ:
        case OP_LE:
            if (sp < 2) {
                return -1;
            }
            b = stack[--sp];
            a = stack[sp - 1];
            switch (op) {
            case OP_ADD:
                a = a + b;
                break;
            case OP_MUL:
                a = a * b;
                break;
            case OP_AND:
                a = a & b;
                break;
            case OP_SHR:
                a = a >> (b & 31);
                break;
            case OP_EQ:
                a = a == b;
                break;
            default:
                a = a <= b;
                break;
            }
            stack[sp - 1] = a;
            break;
        case OP_JMP:
            pc = code[pc];
            break;
        case OP_JZ:
        case OP_JNZ:
            if (sp == 0) {
                return -1;
            }
            a = stack[--sp];
            if ((a == 0) == (op == OP_JZ)) {
                pc = code[pc];
            } else {
                pc++;
            }
            break;
        default:
            return -1;
        }
    }
}

__attribute__((export_name("vm_collatz"))) int vm_collatz(int n) {
    assemble();
    return run(n < 0 ? 0 : (u32)n);
}

__attribute__((export_name("vm_steps"))) int vm_steps(int n) {
    assemble();
    run(n < 0 ? 0 : (u32)n);
    return (int)executed;
}
