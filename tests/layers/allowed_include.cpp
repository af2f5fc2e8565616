// The control of forbidden_include.cpp: the same target kind, an allowed
// header (the DMA register map), builds.
#include "arch/regs/dma_regs.h"
