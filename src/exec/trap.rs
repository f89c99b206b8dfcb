//! Traps: the typed, deterministic ways execution can stop abnormally (core §4.4,
//! SPEC.md §Traps). Codes are stable numbers the trace encodes. Depends on value.

use crate::value::FuncAddr;
use std::fmt;

/// Why execution trapped. The numeric codes are stable (SPEC.md §Traps).
#[repr(u8)]
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TrapCode {
    /// `unreachable` was executed.
    Unreachable = 1,
    /// Signed division overflow or a float-to-int conversion out of range.
    IntegerOverflow = 2,
    /// Integer division or remainder by zero.
    IntegerDivideByZero = 3,
    /// Float-to-int conversion of NaN.
    InvalidConversionToInteger = 4,
    /// A memory access or bulk memory operation out of bounds.
    MemoryOutOfBounds = 5,
    /// A table access or bulk table operation out of bounds.
    TableOutOfBounds = 6,
    /// `call_indirect` with an index past the table's size.
    UndefinedElement = 7,
    /// `call_indirect` through a null table entry.
    UninitializedElement = 8,
    /// `call_indirect` to a function of another type.
    IndirectCallTypeMismatch = 9,
    /// The call depth or stack height limit of SPEC.md §Stack was reached.
    CallStackExhausted = 10,
    /// Reserved for a value stack limit distinct from the call stack (SPEC.md §Stack).
    ValueStackExhausted = 11,
    /// Gas ran out (SPEC.md §Gas).
    OutOfGas = 12,
    /// An exception reached the embedder uncaught.
    UncaughtException = 13,
    /// A host function failed.
    HostError = 14,
    /// `throw_ref` of a null exnref.
    NullReference = 15,
    /// The program asked to exit (WASI `proc_exit`); `Trap::exit_status` has the
    /// status. Not an error of the program, but it ends execution like a trap.
    Exit = 16,
    /// An invariant of the interpreter broke: a bug in detwasm, never the guest's (or
    /// a host function's) fault. Distinct from `HostError` so it is never blamed on
    /// either (SPEC.md §Traps).
    Internal = 17,
    /// A `throw` found more than `Config::max_live_exceptions` exceptions reachable
    /// (SPEC.md §Exceptions).
    ExceptionLimit = 18,
}

impl TrapCode {
    /// The spec test suite's text for the trap.
    pub fn message(self) -> &'static str {
        match self {
            TrapCode::Unreachable => "unreachable",
            TrapCode::IntegerOverflow => "integer overflow",
            TrapCode::IntegerDivideByZero => "integer divide by zero",
            TrapCode::InvalidConversionToInteger => "invalid conversion to integer",
            TrapCode::MemoryOutOfBounds => "out of bounds memory access",
            TrapCode::TableOutOfBounds => "out of bounds table access",
            TrapCode::UndefinedElement => "undefined element",
            TrapCode::UninitializedElement => "uninitialized element",
            TrapCode::IndirectCallTypeMismatch => "indirect call type mismatch",
            TrapCode::CallStackExhausted => "call stack exhausted",
            TrapCode::ValueStackExhausted => "value stack exhausted",
            TrapCode::OutOfGas => "out of gas",
            TrapCode::UncaughtException => "uncaught exception",
            TrapCode::HostError => "host error",
            TrapCode::NullReference => "null exception reference",
            TrapCode::Exit => "exit",
            TrapCode::Internal => "internal error of detwasm (a bug)",
            TrapCode::ExceptionLimit => "too many live exceptions",
        }
    }

    /// The stable name of the trap in summaries and traces: the variant in snake case.
    pub fn name(self) -> &'static str {
        match self {
            TrapCode::Unreachable => "unreachable",
            TrapCode::IntegerOverflow => "integer_overflow",
            TrapCode::IntegerDivideByZero => "integer_divide_by_zero",
            TrapCode::InvalidConversionToInteger => "invalid_conversion_to_integer",
            TrapCode::MemoryOutOfBounds => "memory_out_of_bounds",
            TrapCode::TableOutOfBounds => "table_out_of_bounds",
            TrapCode::UndefinedElement => "undefined_element",
            TrapCode::UninitializedElement => "uninitialized_element",
            TrapCode::IndirectCallTypeMismatch => "indirect_call_type_mismatch",
            TrapCode::CallStackExhausted => "call_stack_exhausted",
            TrapCode::ValueStackExhausted => "value_stack_exhausted",
            TrapCode::OutOfGas => "out_of_gas",
            TrapCode::UncaughtException => "uncaught_exception",
            TrapCode::HostError => "host_error",
            TrapCode::NullReference => "null_reference",
            TrapCode::Exit => "exit",
            TrapCode::Internal => "internal",
            TrapCode::ExceptionLimit => "exception_limit",
        }
    }

    /// The stable numeric code (SPEC.md §Traps).
    pub fn as_u8(self) -> u8 {
        self as u8
    }
}

impl fmt::Display for TrapCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

/// A trap with where it happened: the function and the op position inside its
/// translated body (absent for traps outside any function, e.g. during instantiation).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Trap {
    code: TrapCode,
    /// Function address, or `u32::MAX` for none.
    func: u32,
    pos: u32,
    status: i32,
    /// Which wasm instruction of the op at `pos` trapped (ops may fuse several).
    part: u8,
}

impl Trap {
    /// A trap with no location.
    pub fn new(code: TrapCode) -> Trap {
        Trap {
            code,
            func: u32::MAX,
            pos: 0,
            status: 0,
            part: 0,
        }
    }

    pub(crate) fn with_part(mut self, part: u8) -> Trap {
        self.part = part;
        self
    }

    /// Which wasm instruction of the op at [`Trap::pos`] trapped (0 for the first).
    pub fn part(&self) -> u8 {
        self.part
    }

    /// A request to end the run with exit status `status` (WASI `proc_exit`).
    pub fn exit(status: i32) -> Trap {
        Trap {
            status,
            ..Trap::new(TrapCode::Exit)
        }
    }

    /// The exit status when the code is `TrapCode::Exit`.
    pub fn exit_status(&self) -> Option<i32> {
        (self.code == TrapCode::Exit).then_some(self.status)
    }

    /// The same trap located at op `pos` of function `func`, unless it already has a
    /// location.
    pub(crate) fn located(mut self, func: FuncAddr, pos: usize) -> Trap {
        if self.func == u32::MAX {
            self.func = func.0;
            self.pos = u32::try_from(pos).unwrap_or(u32::MAX);
        }
        self
    }

    pub(crate) fn at(code: TrapCode, func: FuncAddr, pos: usize) -> Trap {
        Trap {
            code,
            func: func.0,
            pos: u32::try_from(pos).unwrap_or(u32::MAX),
            status: 0,
            part: 0,
        }
    }

    /// The trap's kind.
    pub fn code(&self) -> TrapCode {
        self.code
    }

    /// The function executing when the trap happened, if any.
    pub fn func(&self) -> Option<FuncAddr> {
        (self.func != u32::MAX).then_some(FuncAddr(self.func))
    }

    /// Position of the trapping op inside the function's translated body.
    pub fn pos(&self) -> u32 {
        self.pos
    }
}

impl From<TrapCode> for Trap {
    fn from(code: TrapCode) -> Trap {
        Trap::new(code)
    }
}

impl fmt::Display for Trap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.code == TrapCode::Exit {
            return write!(f, "exit with status {}", self.status);
        }
        match self.func() {
            Some(func) => write!(f, "{} in func {} at op {}", self.code, func.0, self.pos),
            None => write!(f, "{}", self.code),
        }
    }
}

impl std::error::Error for Trap {}
