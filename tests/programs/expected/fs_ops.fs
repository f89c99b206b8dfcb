/data/binary.bin file 1024 785b0751fc2c53dc14a4ce3d800e69ef9ce1009eb327ccf458afe09c242c26c9
/data/hello.txt file 49 d27c2eaf2ef84a657a0c907b7380b3f605abd8e5f378bcd03aace8ae7074cadb
/data/numbers.csv file 69 a8edac40a1cae254bd50b1cda8740f7a4cc9f92ec2a8412aedb9220f975aa44c
/data/out dir
/data/out/docs dir
/data/out/docs/a.txt file 4 2429a99e01b351de987b5081cb49e4d8f9af4d1a7269cc9c0be93690f1b686a3
/data/out/moved dir
/data/out/moved/c.txt file 8 999d1d048ee9123272dd9b718680551c83e867935b47c2650e6906dc22674e47
/data/out/renamed.txt file 151 2af5e3727f74711b70d3851328155775e38b8ca39925facf93233faea27087d1
/data/out/seek.bin file 12 283a88fc06f19a0981bec8bd4095939503ca76d95416dcd751e18b56ce895657
/data/out/victim.txt file 2 c0cde77fa8fef97d476c10aad3d2d54fcc2f336140d073651c2dcccf1e379fd6
/data/sub dir
/data/sub/deeper dir
/data/sub/deeper/leaf.txt file 5 26d0bac9f0c7a35b2f3322a0f4ad4517265f56b2c0f4b2ed7cb5cbd30c5868e2
/data/sub/nested.txt file 20 5b6c3b603bf529cb4911102e3bc4679762af9bd27724c6e704e4d6ab36af173e
