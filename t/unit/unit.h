/*
 * unit.h: what every cmocka unit test includes, in the order cmocka wants.
 */
#ifndef T_UNIT_H
#define T_UNIT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#define nitems(a)	(sizeof(a) / sizeof((a)[0]))

#endif
