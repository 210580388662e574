/**
 * @file efi.h
 *
 * The part of the UEFI interface memdisk.efi uses, written from the UEFI
 * specification (2.10): base types, status codes, the system table, boot
 * services, and the protocols it calls or provides (text output and input,
 * loaded image, simple file system and files, block I/O, device paths, the
 * RAM disk protocol, the ACPI table protocol). Only the members it uses are
 * typed; the others are kept as opaque pointers so the layout stays right.
 *
 * Compiled with clang for x86_64-unknown-windows, whose default calling
 * convention is the one UEFI uses, so EFIAPI needs no attribute.
 */
#ifndef MEMBOOT_EFI_H
#define MEMBOOT_EFI_H

#include <stddef.h>
#include <stdint.h>

#define EFIAPI

typedef uint64_t efi_status;
typedef void *efi_handle;
typedef uint16_t char16;
typedef uint8_t efi_bool;

/** A GUID as the specification lays it out (first three fields little-endian). */
typedef struct {
	uint32_t d1;
	uint16_t d2, d3;
	uint8_t d4[8];
} efi_guid;

#define EFI_ERR(n) (0x8000000000000000ull | (n))
#define EFI_SUCCESS              0
#define EFI_LOAD_ERROR           EFI_ERR(1)
#define EFI_INVALID_PARAMETER    EFI_ERR(2)
#define EFI_UNSUPPORTED          EFI_ERR(3)
#define EFI_BAD_BUFFER_SIZE      EFI_ERR(4)
#define EFI_BUFFER_TOO_SMALL     EFI_ERR(5)
#define EFI_NOT_READY            EFI_ERR(6)
#define EFI_DEVICE_ERROR         EFI_ERR(7)
#define EFI_WRITE_PROTECTED      EFI_ERR(8)
#define EFI_OUT_OF_RESOURCES     EFI_ERR(9)
#define EFI_VOLUME_CORRUPTED     EFI_ERR(10)
#define EFI_NO_MEDIA             EFI_ERR(12)
#define EFI_MEDIA_CHANGED        EFI_ERR(13)
#define EFI_NOT_FOUND            EFI_ERR(14)
#define EFI_ACCESS_DENIED        EFI_ERR(15)
#define EFI_ABORTED              EFI_ERR(21)
#define EFI_END_OF_FILE_STATUS   EFI_ERR(31)
#define EFI_SECURITY_VIOLATION   EFI_ERR(26)
#define EFI_CRC_ERROR            EFI_ERR(27)
#define EFI_COMPROMISED_DATA     EFI_ERR(33)
#define EFI_IS_ERROR(s) (((s) >> 63) != 0)

#define EFI_PAGE_SIZE 4096ull

/** Memory types (EFI_MEMORY_TYPE). */
enum {
	EfiReservedMemoryType = 0, EfiLoaderCode, EfiLoaderData, EfiBootServicesCode,
	EfiBootServicesData, EfiRuntimeServicesCode, EfiRuntimeServicesData,
	EfiConventionalMemory, EfiUnusableMemory, EfiACPIReclaimMemory, EfiACPIMemoryNVS,
	EfiMemoryMappedIO, EfiMemoryMappedIOPortSpace, EfiPalCode, EfiPersistentMemory,
};

/** AllocatePages' search (EFI_ALLOCATE_TYPE). */
enum { AllocateAnyPages = 0, AllocateMaxAddress, AllocateAddress };
/** LocateHandle's search (EFI_LOCATE_SEARCH_TYPE). */
enum { AllHandles = 0, ByRegisterNotify, ByProtocol };

/** One entry of GetMemoryMap (entries are DescriptorSize bytes apart). */
typedef struct {
	uint32_t type;
	uint32_t pad;
	uint64_t physical_start;
	uint64_t virtual_start;
	uint64_t pages;
	uint64_t attribute;
} efi_memory_descriptor;

#define EFI_MEMORY_WB 0x8ull

typedef struct {
	uint64_t signature;
	uint32_t revision, header_size, crc32, reserved;
} efi_table_header;

/* ---- console ---------------------------------------------------------- */

typedef struct efi_text_out efi_text_out;
struct efi_text_out {
	efi_status (EFIAPI *reset)(efi_text_out *self, efi_bool extended);
	efi_status (EFIAPI *output_string)(efi_text_out *self, const char16 *s);
	void *test_string, *query_mode, *set_mode, *set_attribute, *clear_screen,
		*set_cursor_position, *enable_cursor, *mode;
};

typedef struct {
	uint16_t scan_code;
	char16 unicode_char;
} efi_input_key;

typedef struct efi_text_in efi_text_in;
struct efi_text_in {
	efi_status (EFIAPI *reset)(efi_text_in *self, efi_bool extended);
	efi_status (EFIAPI *read_key)(efi_text_in *self, efi_input_key *key);
	void *wait_for_key;
};

/* ---- device paths ----------------------------------------------------- */

/** A device-path node header; the node's data follows. */
typedef struct {
	uint8_t type, subtype;
	uint8_t length[2];
} efi_device_path;

#define DP_TYPE_MEDIA        4
#define DP_SUB_CDROM         2
#define DP_SUB_FILE_PATH     4
#define DP_SUB_RAM_DISK      9
#define DP_TYPE_END          0x7f
#define DP_SUB_END_ENTIRE    0xff

/** The RAM disk node (media, subtype 9): 38 bytes. */
typedef struct {
	efi_device_path h;
	uint32_t start[2];      /* u64, unaligned in the node */
	uint32_t end[2];        /* inclusive */
	efi_guid type;
	uint16_t instance;
} __attribute__((packed)) efi_ram_disk_node;

/* ---- boot services ---------------------------------------------------- */

typedef struct efi_boot_services {
	efi_table_header hdr;
	void *raise_tpl, *restore_tpl;
	efi_status (EFIAPI *allocate_pages)(int type, int mem_type, uint64_t pages, uint64_t *addr);
	efi_status (EFIAPI *free_pages)(uint64_t addr, uint64_t pages);
	efi_status (EFIAPI *get_memory_map)(uint64_t *size, void *map, uint64_t *key,
					     uint64_t *desc_size, uint32_t *desc_version);
	efi_status (EFIAPI *allocate_pool)(int mem_type, uint64_t size, void **buf);
	efi_status (EFIAPI *free_pool)(void *buf);
	void *create_event, *set_timer;
	efi_status (EFIAPI *wait_for_event)(uint64_t n, void **events, uint64_t *index);
	void *signal_event, *close_event, *check_event;
	void *install_protocol_interface, *reinstall_protocol_interface,
		*uninstall_protocol_interface;
	efi_status (EFIAPI *handle_protocol)(efi_handle h, const efi_guid *proto, void **iface);
	void *reserved, *register_protocol_notify, *locate_handle;
	efi_status (EFIAPI *locate_device_path)(const efi_guid *proto, efi_device_path **path,
						efi_handle *h);
	void *install_configuration_table;
	efi_status (EFIAPI *load_image)(efi_bool boot_policy, efi_handle parent,
					efi_device_path *path, void *src, uint64_t src_size,
					efi_handle *image);
	efi_status (EFIAPI *start_image)(efi_handle image, uint64_t *exit_size, char16 **exit_data);
	void *exit;
	efi_status (EFIAPI *unload_image)(efi_handle image);
	void *exit_boot_services, *get_next_monotonic_count;
	efi_status (EFIAPI *stall)(uint64_t microseconds);
	efi_status (EFIAPI *set_watchdog_timer)(uint64_t timeout, uint64_t code, uint64_t size,
						 char16 *data);
	efi_status (EFIAPI *connect_controller)(efi_handle h, efi_handle *drivers,
						efi_device_path *remaining, efi_bool recursive);
	efi_status (EFIAPI *disconnect_controller)(efi_handle h, efi_handle driver, efi_handle child);
	void *open_protocol, *close_protocol, *open_protocol_information, *protocols_per_handle;
	efi_status (EFIAPI *locate_handle_buffer)(int search, const efi_guid *proto, void *key,
						  uint64_t *count, efi_handle **handles);
	efi_status (EFIAPI *locate_protocol)(const efi_guid *proto, void *registration, void **iface);
	efi_status (EFIAPI *install_multiple_protocol_interfaces)(efi_handle *h, ...);
	efi_status (EFIAPI *uninstall_multiple_protocol_interfaces)(efi_handle h, ...);
	void *calculate_crc32, *copy_mem, *set_mem, *create_event_ex;
} efi_boot_services;

/** The runtime services: only ResetSystem is used. */
typedef struct {
	efi_table_header hdr;
	void *get_time, *set_time, *get_wakeup_time, *set_wakeup_time,
		*set_virtual_address_map, *convert_pointer, *get_variable,
		*get_next_variable_name, *set_variable, *get_next_high_monotonic_count;
	void (EFIAPI *reset_system)(int type, efi_status status, uint64_t size, void *data);
} efi_runtime_services;
#define EfiResetCold 0

typedef struct {
	efi_guid guid;
	void *table;
} efi_configuration_table;

typedef struct {
	efi_table_header hdr;
	char16 *firmware_vendor;
	uint32_t firmware_revision;
	efi_handle console_in_handle;
	efi_text_in *con_in;
	efi_handle console_out_handle;
	efi_text_out *con_out;
	efi_handle standard_error_handle;
	efi_text_out *std_err;
	efi_runtime_services *runtime_services;
	efi_boot_services *boot_services;
	uint64_t n_tables;
	efi_configuration_table *tables;
} efi_system_table;

/* ---- protocols -------------------------------------------------------- */

typedef struct {
	uint32_t revision;
	efi_handle parent;
	efi_system_table *system_table;
	efi_handle device;
	efi_device_path *file_path;
	void *reserved;
	uint32_t load_options_size;
	void *load_options;
	void *image_base;
	uint64_t image_size;
	int image_code_type, image_data_type;
	void *unload;
} efi_loaded_image;

typedef struct efi_file efi_file;
struct efi_file {
	uint64_t revision;
	efi_status (EFIAPI *open)(efi_file *self, efi_file **out, const char16 *name,
				  uint64_t mode, uint64_t attributes);
	efi_status (EFIAPI *close)(efi_file *self);
	void *delete_;
	efi_status (EFIAPI *read)(efi_file *self, uint64_t *size, void *buf);
	void *write, *get_position;
	efi_status (EFIAPI *set_position)(efi_file *self, uint64_t pos);
	efi_status (EFIAPI *get_info)(efi_file *self, const efi_guid *type, uint64_t *size, void *buf);
	void *set_info, *flush;
};

#define EFI_FILE_MODE_READ 1ull
#define EFI_FILE_DIRECTORY 0x10ull

typedef struct {
	uint16_t year;
	uint8_t month, day, hour, minute, second, pad1;
	uint32_t nanosecond;
	int16_t time_zone;
	uint8_t daylight, pad2;
} efi_time;

typedef struct {
	uint64_t size, file_size, physical_size;
	efi_time create_time, last_access_time, modification_time;
	uint64_t attribute;
	char16 file_name[];
} efi_file_info;

typedef struct efi_simple_fs efi_simple_fs;
struct efi_simple_fs {
	uint64_t revision;
	efi_status (EFIAPI *open_volume)(efi_simple_fs *self, efi_file **root);
};

typedef struct {
	uint32_t media_id;
	efi_bool removable, present, logical_partition, read_only, write_caching;
	uint8_t pad[3];
	uint32_t block_size, io_align;
	uint64_t last_block;
	uint64_t lowest_aligned_lba;              /* revision 2 */
	uint32_t logical_blocks_per_physical;     /* revision 2 */
	uint32_t optimal_transfer_granularity;    /* revision 3 */
} efi_block_io_media;

typedef struct efi_block_io efi_block_io;
struct efi_block_io {
	uint64_t revision;
	efi_block_io_media *media;
	efi_status (EFIAPI *reset)(efi_block_io *self, efi_bool extended);
	efi_status (EFIAPI *read_blocks)(efi_block_io *self, uint32_t media_id, uint64_t lba,
					 uint64_t size, void *buf);
	efi_status (EFIAPI *write_blocks)(efi_block_io *self, uint32_t media_id, uint64_t lba,
					  uint64_t size, void *buf);
	efi_status (EFIAPI *flush_blocks)(efi_block_io *self);
};
#define EFI_BLOCK_IO_REVISION3 0x0002001full

typedef struct efi_disk_io efi_disk_io;
struct efi_disk_io {
	uint64_t revision;
	efi_status (EFIAPI *read_disk)(efi_disk_io *self, uint32_t media_id, uint64_t offset,
				       uint64_t size, void *buf);
	void *write_disk;
};

typedef struct efi_ram_disk efi_ram_disk;
struct efi_ram_disk {
	efi_status (EFIAPI *register_)(uint64_t base, uint64_t size, const efi_guid *type,
				       efi_device_path *parent, efi_device_path **path);
	efi_status (EFIAPI *unregister)(efi_device_path *path);
};

typedef struct efi_acpi_table efi_acpi_table;
struct efi_acpi_table {
	efi_status (EFIAPI *install)(efi_acpi_table *self, const void *table, uint64_t size,
				     uint64_t *key);
	efi_status (EFIAPI *uninstall)(efi_acpi_table *self, uint64_t key);
};

/** EFI_ACPI_SDT_PROTOCOL: only GetAcpiTable is used (to learn a table's key). */
typedef struct {
	uint32_t acpi_version;
	efi_status (EFIAPI *get_acpi_table)(uint64_t index, void **table, uint32_t *version,
					    uint64_t *key);
} efi_acpi_sdt;


/* ---- GUIDs (values from the specification) ---------------------------- */

#define EFI_LOADED_IMAGE_GUID \
	{ 0x5b1b31a1, 0x9562, 0x11d2, { 0x8e, 0x3f, 0x00, 0xa0, 0xc9, 0x69, 0x72, 0x3b } }
#define EFI_DEVICE_PATH_GUID \
	{ 0x09576e91, 0x6d3f, 0x11d2, { 0x8e, 0x39, 0x00, 0xa0, 0xc9, 0x69, 0x72, 0x3b } }
#define EFI_FILE_INFO_GUID \
	{ 0x09576e92, 0x6d3f, 0x11d2, { 0x8e, 0x39, 0x00, 0xa0, 0xc9, 0x69, 0x72, 0x3b } }
#define EFI_SIMPLE_FS_GUID \
	{ 0x964e5b22, 0x6459, 0x11d2, { 0x8e, 0x39, 0x00, 0xa0, 0xc9, 0x69, 0x72, 0x3b } }
#define EFI_BLOCK_IO_GUID \
	{ 0x964e5b21, 0x6459, 0x11d2, { 0x8e, 0x39, 0x00, 0xa0, 0xc9, 0x69, 0x72, 0x3b } }
#define EFI_DISK_IO_GUID \
	{ 0xce345171, 0xba0b, 0x11d2, { 0x8e, 0x4f, 0x00, 0xa0, 0xc9, 0x69, 0x72, 0x3b } }
#define EFI_RAM_DISK_GUID \
	{ 0xab38a0df, 0x6873, 0x44a9, { 0x87, 0xe6, 0xd4, 0xeb, 0x56, 0x14, 0x84, 0x49 } }
#define EFI_ACPI_TABLE_PROTOCOL_GUID \
	{ 0xffe06bdd, 0x6107, 0x46a6, { 0x7b, 0xb2, 0x5a, 0x9c, 0x7e, 0xc5, 0x27, 0x5c } }
#define EFI_ACPI_SDT_PROTOCOL_GUID \
	{ 0xeb97088e, 0xcfdf, 0x49c6, { 0xbe, 0x4b, 0xd9, 0x06, 0xa5, 0xb2, 0x0e, 0x86 } }
#define EFI_ACPI_20_TABLE_GUID \
	{ 0x8868e871, 0xe4f1, 0x11d3, { 0xbc, 0x22, 0x00, 0x80, 0xc7, 0x3c, 0x88, 0x81 } }
#define EFI_VIRTUAL_DISK_GUID \
	{ 0x77ab535a, 0x45fc, 0x624b, { 0x55, 0x60, 0xf7, 0xb2, 0x81, 0xd1, 0xf9, 0x6e } }
#define EFI_VIRTUAL_CD_GUID \
	{ 0x3d5abd30, 0x4175, 0x87ce, { 0x6d, 0x64, 0xd2, 0xad, 0xe5, 0x23, 0xc4, 0xbb } }

/*
 * shim's lock protocol (shim installs it for the loader it starts, which
 * asks it to verify what it starts in turn). Not UEFI's: its functions use
 * the System V calling convention (shim declares them without EFIAPI).
 */
#define SHIM_LOCK_GUID \
	{ 0x605dab50, 0xe046, 0x4300, { 0xab, 0xb6, 0x3d, 0xd8, 0x10, 0xdd, 0x8b, 0x23 } }
typedef struct shim_lock shim_lock;
struct shim_lock {
	efi_status (__attribute__((sysv_abi)) *verify)(void *buffer, uint32_t size);
	void *hash;             /* not used here */
	void *context;          /* not used here */
};

/* The GUIDs memdisk.efi uses, defined once (guids.c). */
extern const efi_guid loaded_image_guid, device_path_guid, file_info_guid, simple_fs_guid,
	block_io_guid, disk_io_guid, ram_disk_guid, acpi_table_guid, acpi_sdt_guid,
	acpi20_table_guid, virtual_disk_guid, virtual_cd_guid, shim_lock_guid;

#endif /* MEMBOOT_EFI_H */
