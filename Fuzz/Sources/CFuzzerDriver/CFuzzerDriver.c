// Intentionally empty: the target exists for its header (SwiftPM C targets need one source file).
#include "CFuzzerDriver.h"
