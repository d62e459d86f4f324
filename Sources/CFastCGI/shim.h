#ifndef HOLDFAST_CFASTCGI_SHIM_H
#define HOLDFAST_CFASTCGI_SHIM_H
#include <fcgiapp.h>
#endif
