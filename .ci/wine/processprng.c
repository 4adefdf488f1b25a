/*
 * A test fixture for running Chartroom under Wine, never shipped: Go's
 * runtime on Windows fills its random numbers with ProcessPrng from
 * bcryptprimitives.dll, which Windows 10 and later have and Debian 12's
 * Wine 8 lacks. This DLL gives the test's Wine prefix that one function,
 * on top of RtlGenRandom (advapi32's SystemFunction036), which Wine has.
 */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
	while (length > 0) {
		ULONG chunk = length > 0x40000000 ? 0x40000000 : (ULONG)length;
		if (!SystemFunction036(data, chunk))
			return FALSE;
		data += chunk;
		length -= chunk;
	}
	return TRUE;
}
