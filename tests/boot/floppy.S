/*
 * floppy.S - boot sector of the floppy-vga test image.
 *
 * Prints "MEMBOOT-FLOPPY <token>" with BIOS INT 10h teletype (screen only, no
 * serial) and halts.  The boot-test runner reads the VGA text buffer through
 * the QEMU monitor to find the line.  The token is a fixed-width placeholder
 * that the runner overwrites in a copy of the image for each run.
 *
 * Build: as --32 -o floppy.o floppy.S
 *        ld -m elf_i386 -Ttext 0x7c00 --oformat binary -o floppy.bin floppy.o
 */
        .code16
        .text
        .globl  _start
_start:
        cli
        xorw    %ax, %ax
        movw    %ax, %ds
        movw    %ax, %ss
        movw    $0x7c00, %sp
        ljmp    $0, $start_cs           /* normalise CS:IP to 0:7Cxx */
start_cs:
        sti
        movw    $message, %si
print_loop:
        lodsb
        testb   %al, %al
        jz      halt
        movb    $0x0e, %ah              /* teletype output */
        movw    $0x0007, %bx            /* page 0, light grey */
        int     $0x10
        jmp     print_loop
halt:
        cli
        hlt
        jmp     halt

message:
        .ascii  "MEMBOOT-FLOPPY "
token:
        .ascii  "@@@@@@@@@@@@@@@@"      /* 16 characters, replaced per run */
        .asciz  "\r\n"

        .org    510
        .byte   0x55, 0xaa
