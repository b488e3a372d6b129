; Windows setup of the desk: a per-user install (no administrator rights) of the PyInstaller folder,
; Vietnamese pages, Start-menu and desktop shortcuts, an uninstaller.
; The clerk's data (database, backups, PDFs, logs) lives in %LOCALAPPDATA%\CommuneDesk, never in the
; install folder: setup refuses that folder as the install folder, and uninstalling leaves it.
;   makensis -DVERSION=0.1.0 -DDIST=..\dist\CommuneDesk -DOUTFILE=..\dist\CommuneDesk-Setup.exe commune-desk.nsi
; (installer/build-windows.ps1 does this on Windows; tests/test_installer.py compiles it on Debian.)
Unicode true
!include "MUI2.nsh"

!ifndef VERSION
  !define VERSION "0.1.0"
!endif
!ifndef DIST
  !define DIST "..\dist\CommuneDesk"
!endif
!ifndef OUTFILE
  !define OUTFILE "..\dist\CommuneDesk-Setup-${VERSION}.exe"
!endif
!define APP "Commune Desk"
!define EXE "CommuneDesk.exe"
!define DATA "$LOCALAPPDATA\CommuneDesk"
!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\CommuneDesk"

Name "${APP}"
Caption "Cài đặt ${APP} ${VERSION}"
OutFile "${OUTFILE}"
InstallDir "$LOCALAPPDATA\Programs\CommuneDesk"
InstallDirRegKey HKCU "Software\CommuneDesk" "InstallDir"
RequestExecutionLevel user
SetCompressor /SOLID lzma
BrandingText "${APP} ${VERSION}"

!define MUI_ICON "commune-desk.ico"
!define MUI_UNICON "commune-desk.ico"
!define MUI_ABORTWARNING
!define MUI_WELCOMEPAGE_TITLE "Cài đặt phần mềm Một cửa — ${APP}"
!define MUI_WELCOMEPAGE_TEXT "Phần mềm tiếp nhận hồ sơ, in giấy hẹn và trả kết quả tại Bộ phận Một cửa cấp xã.$\r$\n$\r$\nKhông cần quyền quản trị máy. Dữ liệu hồ sơ được lưu riêng trong ${DATA} và được giữ nguyên khi nâng cấp hay gỡ cài đặt.$\r$\n$\r$\nBấm Tiếp để tiếp tục."
!define MUI_FINISHPAGE_RUN "$INSTDIR\${EXE}"
!define MUI_FINISHPAGE_RUN_TEXT "Mở ${APP} ngay (lần đầu sẽ hỏi thông tin cơ quan)"
!define MUI_UNCONFIRMPAGE_TEXT_TOP "Chương trình sẽ được gỡ khỏi máy. Dữ liệu hồ sơ, bản sao lưu, tệp PDF và nhật ký trong ${DATA} được giữ lại; muốn xóa hẳn thì xóa thư mục đó sau khi đã sao lưu."

!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "Vietnamese"

Function .onVerifyInstDir
  ; the install folder is replaced on upgrade: it must never be the data folder
  StrCmp $INSTDIR "${DATA}" 0 +2
    Abort
FunctionEnd

Section "${APP}"
  SetOutPath "$INSTDIR"
  RMDir /r "$INSTDIR\_internal"          ; an upgrade replaces the program files, nothing else
  File /r "${DIST}\*"
  File "commune-desk.ico"
  WriteUninstaller "$INSTDIR\Uninstall.exe"
  CreateDirectory "$SMPROGRAMS\${APP}"
  CreateShortcut "$SMPROGRAMS\${APP}\${APP}.lnk" "$INSTDIR\${EXE}" "" "$INSTDIR\commune-desk.ico"
  CreateShortcut "$SMPROGRAMS\${APP}\Gỡ cài đặt ${APP}.lnk" "$INSTDIR\Uninstall.exe"
  CreateShortcut "$DESKTOP\${APP}.lnk" "$INSTDIR\${EXE}" "" "$INSTDIR\commune-desk.ico"
  WriteRegStr HKCU "Software\CommuneDesk" "InstallDir" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayName" "${APP}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayIcon" "$INSTDIR\commune-desk.ico"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\Uninstall.exe"'
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoRepair" 1
SectionEnd

Section "Uninstall"
  ; only what setup put in the install folder and the shortcuts; ${DATA} stays
  Delete "$DESKTOP\${APP}.lnk"
  RMDir /r "$SMPROGRAMS\${APP}"
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\${EXE}"
  Delete "$INSTDIR\commune-desk.ico"
  Delete "$INSTDIR\Uninstall.exe"
  RMDir "$INSTDIR"
  DeleteRegKey HKCU "${UNINSTALL_KEY}"
  DeleteRegKey HKCU "Software\CommuneDesk"
SectionEnd
