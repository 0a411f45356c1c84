#pragma once
/** Gradient building blocks (ops/grad_utils.h) with the tapes, for code above the op layer that needs both. */
#include "../ops/grad_utils.h"
#include "tape.h"
