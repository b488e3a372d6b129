; Inno Setup script: a per-user install of the PyInstaller folder, with a Start-menu entry.
; Data stays in %APPDATA%\CommuneDesk (platformdirs), so reinstalling or upgrading keeps it.
[Setup]
AppName=Commune Desk
AppVersion=0.1.0
DefaultDirName={localappdata}\Programs\CommuneDesk
DefaultGroupName=Commune Desk
PrivilegesRequired=lowest
OutputBaseFilename=CommuneDesk-Setup
Compression=lzma2
SolidCompression=yes

[Languages]
Name: "vi"; MessagesFile: "compiler:Languages\Vietnamese.isl"

[Files]
Source: "..\dist\CommuneDesk\*"; DestDir: "{app}"; Flags: recursesubdirs ignoreversion

[Icons]
Name: "{group}\Commune Desk"; Filename: "{app}\CommuneDesk.exe"; Parameters: "run"
Name: "{userdesktop}\Commune Desk"; Filename: "{app}\CommuneDesk.exe"; Parameters: "run"
