/* Compiled alone, as C99 and as C++11 (see mk/c.mk): the public header must stand on its own. */
#include "lrp.h"

int main(void)
{
    return 0;
}
