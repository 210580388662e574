/**
 * @file io.h
 *
 * x86 port I/O for the loader.
 */
#ifndef MEMBOOT_IO_H
#define MEMBOOT_IO_H

#include <stdint.h>

/** Write a byte to an I/O port. */
static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

/** Read a byte from an I/O port. */
static inline uint8_t inb(uint16_t port)
{
	uint8_t v;

	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

#endif /* MEMBOOT_IO_H */
