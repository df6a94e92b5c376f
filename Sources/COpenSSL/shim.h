#ifndef DOCKET_COPENSSL_SHIM_H
#define DOCKET_COPENSSL_SHIM_H
#include <openssl/rand.h>
#include <openssl/sha.h>
#endif
