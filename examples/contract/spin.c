/* Runs out of gas: writes storage, then loops forever. The write is undone.
 *   run   never returns */
#include "contract.h"

EXPORT(run) void run(void) {
    volatile u32 counter = 0;
    storage_write("spinning", 8, "yes", 3);
    for (;;) counter++;
}
