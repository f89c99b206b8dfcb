/* Traps after writing storage: the write is undone.
 *   run   writes "note", then executes `unreachable` */
#include "contract.h"

EXPORT(run) void run(void) {
    storage_write("note", 4, "written before the trap", 23);
    __builtin_trap();
}
