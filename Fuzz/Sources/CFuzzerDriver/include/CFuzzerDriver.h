// libFuzzer's driver, called from the executable's main: SwiftPM links an executable target with
// its own entry point (main is defined as the module's), so libFuzzer's main is not used and the
// target hands control to the driver itself.
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
