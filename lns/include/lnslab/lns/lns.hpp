#pragma once
// Umbrella header of the LNS core (standard library only; include lnslab/lns/fmt.hpp for fmt).
#include "lnslab/lns/code.hpp"
#include "lnslab/lns/format.hpp"
#include "lnslab/lns/io.hpp"
#include "lnslab/lns/rng.hpp"
#include "lnslab/lns/scalar.hpp"
