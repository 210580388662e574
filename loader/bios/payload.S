/*
 * payload.S - the initramfs segment memdisk appends to an ISO's initrds
 * (build/inject.cpio.gz, made by tools/payload/mkcpio and gzip: memdisk-attach
 * and the hooks), embedded so that memdisk stays one file to deploy. The
 * same file memdisk.efi embeds (loader/efi/payload.S).
 */
	.section .payload,"a"
	.balign 16
	.globl payload_start
	.globl payload_end
payload_start:
	.incbin PAYLOAD_FILE
payload_end:
	.section .note.GNU-stack,"",@progbits
